/**
 * Test helper: runs the real kubectl against a tiny recording HTTP server, to capture the
 * request bodies it sends (protobuf for typed commands) and its `--dry-run=client -o json` output.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const hasKubectl = (): boolean => existsSync(KUBECTL);

export interface CapturedRequest {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

export interface KubectlHarness {
  /** Runs kubectl; resolves with its stdout and the requests it made, whatever its exit status. */
  run(args: string[]): Promise<{ stdout: string; stderr: string; requests: CapturedRequest[] }>;
  close(): Promise<void>;
}

/** Answers POSTs with `201 {}` and everything else with a JSON 404 Status. */
function recordingServer(requests: CapturedRequest[]): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      const created = req.method === 'POST';
      res.writeHead(created ? 201 : 404, { 'content-type': 'application/json' });
      res.end(
        created
          ? '{}'
          : JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'NotFound',
              code: 404,
            }),
      );
    });
  });
}

export async function startKubectlHarness(): Promise<KubectlHarness> {
  const requests: CapturedRequest[] = [];
  const server = recordingServer(requests);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'u', user: { token: 'test-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
      'current-context': 'x',
    }),
  );
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  return {
    run: (args) =>
      new Promise((resolve) => {
        const from = requests.length;
        execFile(KUBECTL, args, { env, timeout: 20_000 }, (_err, stdout, stderr) =>
          resolve({ stdout, stderr, requests: requests.slice(from) }),
        );
      }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
