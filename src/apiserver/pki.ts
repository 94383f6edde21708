/**
 * The cluster's PKI, made on first start and kept in the data dir: a self-signed CA and a
 * serving certificate for the API server signed by it (ECDSA P-256), with the loopback
 * addresses, the host name and any extra names as SANs.
 */
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export interface ServingPki {
  caCert: string;
  cert: string;
  key: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

const serial = () =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');

async function makeCA(): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=cairn-ca@${Math.floor(now.getTime() / 1000)}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + tenYears),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    cert: cert.toString('pem') + '\n',
    key: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}

async function makeServing(
  ca: { cert: string; key: string },
  sans: string[],
): Promise<{ cert: string; key: string }> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey('pkcs8', fromPem(ca.key), alg, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = new Date();
  const ips = sans.filter((s) => /^[\d.]+$/.test(s) || s.includes(':'));
  const dns = sans.filter((s) => !ips.includes(s));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=cairn-apiserver',
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + tenYears),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  return {
    cert: cert.toString('pem') + '\n',
    key: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}

/** Where the PKI's files live in `dir`. */
export const pkiPaths = (dir: string) => ({
  caCert: join(dir, 'ca.crt'),
  caKey: join(dir, 'ca.key'),
  cert: join(dir, 'serving.crt'),
  key: join(dir, 'serving.key'),
  sans: join(dir, 'serving.sans'),
});

/** Loads the CA from `dir`, making one the first time. */
export async function ensureCA(dir: string): Promise<{ cert: string; key: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = pkiPaths(dir);
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) {
    const ca = await makeCA();
    await writeFile(paths.caKey, ca.key, { mode: 0o600 });
    await writeFile(paths.caCert, ca.cert);
  }
  return { cert: await readFile(paths.caCert, 'utf8'), key: await readFile(paths.caKey, 'utf8') };
}

/**
 * Loads the PKI from `dir`, creating what is missing. The serving certificate is made again
 * when the wanted names are not all in it.
 */
export async function ensurePki(dir: string, extraSans: string[] = []): Promise<ServingPki> {
  const paths = pkiPaths(dir);
  const ca = await ensureCA(dir);
  const sans = [
    ...new Set([
      'localhost',
      '127.0.0.1',
      '::1',
      hostname(),
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      ...extraSans,
    ]),
  ];
  const have = existsSync(paths.sans) ? (await readFile(paths.sans, 'utf8')).split('\n') : [];
  if (!existsSync(paths.cert) || !existsSync(paths.key) || sans.some((s) => !have.includes(s))) {
    const serving = await makeServing(ca, sans);
    await writeFile(paths.key, serving.key, { mode: 0o600 });
    await writeFile(paths.cert, serving.cert);
    await writeFile(paths.sans, sans.join('\n'));
  }
  return {
    caCert: ca.cert,
    cert: await readFile(paths.cert, 'utf8'),
    key: await readFile(paths.key, 'utf8'),
  };
}
