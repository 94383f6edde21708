import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Server as GrpcServer, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execProbe } from './exec.js';
import { grpcProbe, healthServiceDefinition, type HealthCheckRequest, type ServingStatus } from './grpc.js';
import { httpProbe } from './http.js';
import { resolveContainerPort } from './index.js';
import { tcpProbe } from './tcp.js';
import { RuntimeError } from '../../container/runtime.js';

let server: Server;
let port = 0;
let lastHeaders: IncomingHttpHeaders = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ok') res.end('fine');
    else if (url.pathname === '/fail') res.writeHead(500).end('bad');
    else if (url.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url.pathname === '/local') res.writeHead(301, { location: '/ok' }).end();
    else if (url.pathname === '/away') res.writeHead(302, { location: 'http://example.invalid/' }).end();
    else if (url.pathname === '/slow') setTimeout(() => res.end('late'), 500);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

const get = (path: string, headers: { name: string; value: string }[] = [], timeoutMs = 1000) =>
  httpProbe({ scheme: 'HTTP', host: '127.0.0.1', port, path, headers }, timeoutMs);

describe('httpGet probe', () => {
  it('2xx succeeds with the body; 500 fails with the status code', async () => {
    expect(await get('/ok')).toEqual({ result: 'Success', output: 'fine' });
    expect(await get('/fail')).toEqual({
      result: 'Failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  });
  it('sends kube-probe User-Agent and Accept */* unless given; Host header sets the host', async () => {
    await get('/ok');
    expect(lastHeaders['user-agent']).toBe('kube-probe/1.30');
    expect(lastHeaders['accept']).toBe('*/*');
    await get('/ok', [
      { name: 'Host', value: 'svc.example' },
      { name: 'X-Custom', value: 'a' },
      { name: 'User-Agent', value: 'mine' },
    ]);
    expect(lastHeaders).toMatchObject({ host: 'svc.example', 'x-custom': 'a', 'user-agent': 'mine' });
  });
  it('follows same-host redirects; a redirect elsewhere is a warning; 10 redirects fail', async () => {
    expect(await get('/local')).toEqual({ result: 'Success', output: 'fine' });
    expect((await get('/away')).result).toBe('Warning');
    const loop = await get('/loop');
    expect(loop.result).toBe('Failure');
    expect(loop.output).toMatch(/stopped after 10 redirects/);
  });
  it('times out and fails on a refused connection', async () => {
    expect((await get('/slow', [], 100)).output).toMatch(/context deadline exceeded/);
    const refused = await httpProbe(
      { scheme: 'HTTP', host: '127.0.0.1', port: 1, path: '/', headers: [] },
      500,
    );
    expect(refused).toMatchObject({ result: 'Failure', output: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('tcpSocket probe', () => {
  it('connects to an open port, fails on a closed one', async () => {
    expect(await tcpProbe('127.0.0.1', port, 500)).toEqual({ result: 'Success', output: '' });
    const closed = await tcpProbe('127.0.0.1', 1, 500);
    expect(closed.result).toBe('Failure');
    expect(closed.output).toMatch(/^dial tcp 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});

describe('exec probe', () => {
  const rt = (exit: number | Error) => ({
    execSync: async () => {
      if (exit instanceof Error) throw exit;
      return { stdout: Buffer.from('out'), stderr: Buffer.alloc(0), exit_code: exit };
    },
  });
  it('exit 0 succeeds, else fails with the output; a timeout fails; other errors throw', async () => {
    expect(await execProbe(rt(0), 'c', ['true'], 1)).toEqual({ result: 'Success', output: 'out' });
    expect(await execProbe(rt(1), 'c', ['false'], 1)).toEqual({ result: 'Failure', output: 'out' });
    const timeout = new RuntimeError('Unknown', 'timeout 1s exceeded: context deadline exceeded', 'ExecSync');
    expect((await execProbe(rt(timeout), 'c', ['sleep', '9'], 1)).output).toBe('command "sleep 9" timed out');
    await expect(execProbe(rt(new RuntimeError('NotFound', 'gone')), 'c', ['x'], 1)).rejects.toThrow('gone');
  });
});

describe('resolveContainerPort', () => {
  it('numbers and named container ports', () => {
    const c = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };
    expect(resolveContainerPort(80, c)).toBe(80);
    expect(resolveContainerPort('http', c)).toBe(8080);
    expect(() => resolveContainerPort('nope', c)).toThrow(/couldn't find port/);
    expect(() => resolveContainerPort(0, c)).toThrow(/invalid port/);
  });
});

describe('grpc probe', () => {
  let grpc: GrpcServer;
  let grpcPort = 0;
  let serving: ServingStatus = 'SERVING';
  let seen: string[] = [];
  beforeAll(async () => {
    grpc = new GrpcServer();
    grpc.addService(healthServiceDefinition, {
      Check: (
        call: { request: HealthCheckRequest },
        cb: (err: { code: number; details: string } | null, res?: { status: ServingStatus }) => void,
      ) => {
        seen.push(call.request.service);
        if (call.request.service === 'missing')
          cb({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' });
        else cb(null, { status: serving });
      },
    });
    grpcPort = await new Promise<number>((resolve, reject) =>
      grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
  });
  afterAll(() => grpc.forceShutdown());

  it('SERVING succeeds; NOT_SERVING and errors fail; the service name is sent', async () => {
    seen = [];
    expect(await grpcProbe('127.0.0.1', grpcPort, '', 1000)).toEqual({ result: 'Success', output: '' });
    serving = 'NOT_SERVING';
    expect(await grpcProbe('127.0.0.1', grpcPort, 'api', 1000)).toEqual({
      result: 'Failure',
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
    expect((await grpcProbe('127.0.0.1', grpcPort, 'missing', 1000)).output).toMatch(
      /^error: health rpc probe failed/,
    );
    expect(seen).toEqual(['', 'api', 'missing']);
  });
  it('a server without the health service, or nothing listening, fails', async () => {
    const tcp = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const closedPort = (tcp.address() as AddressInfo).port;
    tcp.close();
    const res = await grpcProbe('127.0.0.1', closedPort, '', 300);
    expect(res.result).toBe('Failure');
    expect(res.output).toMatch(/^timeout: failed to connect service "127\.0\.0\.1:\d+" within 0\.3s/);
    const other = new GrpcServer();
    const otherPort = await new Promise<number>((resolve, reject) =>
      other.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    try {
      const unimpl = await grpcProbe('127.0.0.1', otherPort, '', 1000);
      expect(unimpl.output).toMatch(/does not implement the grpc health protocol/);
    } finally {
      other.forceShutdown();
    }
  });
});
