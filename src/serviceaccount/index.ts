/**
 * Service accounts' credentials on the server side, started in one step by the control plane:
 * the signing key (`<server dir>/sa.key`), the token issuer, the `serviceaccounts/token`
 * TokenRequest subresource, bearer authentication of the tokens, and the root CA publisher
 * (`kube-root-ca.crt` in every namespace) that the pods' `kube-api-access-*` volumes read.
 */
import { join } from 'node:path';
import type { Api } from '../apiserver/api.js';
import type { TokenAuthenticator, TokenEntry } from '../apiserver/authentication.js';
import type { SubresourceHandlers } from '../apiserver/subresources.js';
import type { Logger } from '../util/log.js';
import { ServiceAccountTokenAuthenticator } from './authenticator.js';
import { loadOrCreateSigningKey, TokenIssuer } from './issuer.js';
import { RootCAPublisher } from './root-ca-publisher.js';
import { tokenRequestHandler } from './token-request.js';

export { TokenIssuer, DEFAULT_ISSUER, loadOrCreateSigningKey, serviceAccountUsername } from './issuer.js';
export { ServiceAccountTokenAuthenticator } from './authenticator.js';
export { RootCAPublisher, ROOT_CA_CONFIGMAP } from './root-ca-publisher.js';
export { tokenRequestHandler } from './token-request.js';

export interface ServiceAccountsOptions {
  api: Api;
  /** `<data-dir>/server`: the signing key lives there. */
  serverDir: string;
  caCert: string | undefined;
  logger: Logger;
  signal: AbortSignal;
}

export interface ServiceAccounts {
  issuer: TokenIssuer;
  /** `base` (the server's subresources) plus `serviceaccounts/token`. */
  withTokenRequest(base: SubresourceHandlers): SubresourceHandlers;
  /** The static tokens plus service account JWTs. */
  authenticator(entries: TokenEntry[]): TokenAuthenticator;
}

export async function startServiceAccounts(o: ServiceAccountsOptions): Promise<ServiceAccounts> {
  const issuer = new TokenIssuer({ key: await loadOrCreateSigningKey(join(o.serverDir, 'sa.key')) });
  await new RootCAPublisher({ api: o.api, logger: o.logger, caCert: o.caCert ?? '' }).start(o.signal);
  return {
    issuer,
    withTokenRequest: (base) => new Map([...base, ['serviceaccounts/token', tokenRequestHandler(issuer)]]),
    authenticator: (entries) => new ServiceAccountTokenAuthenticator(entries, issuer),
  };
}
