/**
 * The kubelet API's TLS: a self-signed serving certificate made at each start (ECDSA P-256, the
 * node's name and addresses as SANs), and client authentication by certificate.
 *
 * Why self-signed: the agent holds the cluster CA's certificate but not its key, and upstream's
 * API server does not verify kubelet serving certificates unless given a CA for them, so nothing
 * would check a CA-issued one. Why client certificates: the API server already holds a key pair
 * issued by the cluster CA (its serving certificate), and every agent has that CA's certificate;
 * the kubelet accepts a client whose certificate that CA signed (checked here by hand, because the
 * certificate's extended key usage is serverAuth, which a TLS library would refuse for a client).
 */
import { X509Certificate, webcrypto } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface ServingCert {
  cert: string;
  key: string;
}

export async function selfSignedCert(commonName: string, names: string[]): Promise<ServingCert> {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const sans = [...new Set(names.filter(Boolean))].map((n) =>
    isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
  );
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sans),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem') + '\n', key };
}

/** Accepts the peer's certificate when `ca` issued and signed it and it is within its validity. */
export function clientCertIssuedBy(socket: TLSSocket, ca: X509Certificate, now = new Date()): boolean {
  const peer = socket.getPeerX509Certificate();
  if (!peer) return false;
  return (
    peer.checkIssued(ca) &&
    peer.verify(ca.publicKey) &&
    new Date(peer.validFrom) <= now &&
    now <= new Date(peer.validTo)
  );
}
