/** The CRI client against an in-process gRPC server speaking the vendored proto on a unix socket. */
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, RuntimeError } from '../container/errors.js';
import { criProtoPath, loadCriServices } from './proto.js';
import { RemoteRuntime } from './remote-runtime.js';

type Handler = (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => void;
const requests: Record<string, Record<string, unknown>> = {};
const record =
  (name: string, reply: unknown): Handler =>
  (call, cb) => {
    requests[name] = call.request;
    cb(null, reply);
  };

const runtimeImpl: Record<string, Handler> = {
  Version: record('Version', {
    version: '0.1.0',
    runtime_name: 'fake',
    runtime_version: '1',
    runtime_api_version: 'v1',
  }),
  CreateContainer: record('CreateContainer', { container_id: 'c1' }),
  StopContainer: record('StopContainer', {}),
  ContainerStatus: (_call, cb) => cb({ code: status.NOT_FOUND, details: 'container "nope" not found' }),
  ExecSync: record('ExecSync', { stdout: Buffer.from('out'), stderr: Buffer.alloc(0), exit_code: 2 }),
  ListPodSandbox: record('ListPodSandbox', {
    items: [{ id: 's1', state: 'SANDBOX_READY', created_at: '1700000000123456789' }],
  }),
  StopPodSandbox: () => undefined, // never answers
};
const imageImpl: Record<string, Handler> = {
  ImageStatus: record('ImageStatus', {}),
};

let dir = '';
let server: Server;
let rt: RemoteRuntime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-cri-client-'));
  const services = loadCriServices();
  server = new Server();
  server.addService(services.runtime, runtimeImpl as UntypedServiceImplementation);
  server.addService(services.image, imageImpl as UntypedServiceImplementation);
  const socket = join(dir, 'cri.sock');
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  rt = new RemoteRuntime({ socket });
});

afterAll(async () => {
  rt?.close();
  server?.forceShutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('RemoteRuntime', () => {
  it('loads the vendored proto from the repository', () => {
    expect(criProtoPath()).toMatch(/third_party\/cri-api\/api\.proto$/);
    expect(criProtoPath()).not.toContain('shared');
    expect(existsSync(criProtoPath())).toBe(true);
  });

  it('calls Version with the CRI version it speaks', async () => {
    expect(await rt.version()).toEqual({
      version: '0.1.0',
      runtime_name: 'fake',
      runtime_version: '1',
      runtime_api_version: 'v1',
    });
    expect(requests['Version']).toEqual({ version: 'v1' });
  });

  it('sends env values as bytes and the rest as given', async () => {
    const id = await rt.createContainer(
      's1',
      {
        metadata: { name: 'app', attempt: 1 },
        image: { image: 'localhost/busybox:latest' },
        command: ['sh'],
        envs: [{ key: 'GREETING', value: 'héllo wörld' }],
      },
      { metadata: { name: 'p', uid: 'u', namespace: 'default', attempt: 0 } },
    );
    expect(id).toBe('c1');
    const req = requests['CreateContainer'] as {
      pod_sandbox_id: string;
      config: { envs: { key: string; value: Buffer }[]; command: string[]; metadata: { attempt: number } };
      sandbox_config: { metadata: { namespace: string } };
    };
    expect(req.pod_sandbox_id).toBe('s1');
    expect(req.config.envs[0]?.value.toString('utf8')).toBe('héllo wörld');
    expect(req.config.command).toEqual(['sh']);
    expect(req.config.metadata.attempt).toBe(1);
    expect(req.sandbox_config.metadata.namespace).toBe('default');
  });

  it('passes int64 as numbers and gets them back as strings', async () => {
    await rt.stopContainer('c1', 30);
    expect(requests['StopContainer']).toEqual({ container_id: 'c1', timeout: '30' });
    const [sandbox] = await rt.listPodSandbox({ label_selector: { app: 'x' } });
    expect(sandbox).toMatchObject({ id: 's1', state: 'SANDBOX_READY', created_at: '1700000000123456789' });
    expect(sandbox?.metadata).toBeNull();
    expect(requests['ListPodSandbox']).toMatchObject({ filter: { label_selector: { app: 'x' } } });
  });

  it('returns ExecSync output and exit code as a result', async () => {
    const res = await rt.execSync('c1', ['false'], 5);
    expect(res.exit_code).toBe(2);
    expect(res.stdout.toString()).toBe('out');
    expect(requests['ExecSync']).toEqual({ container_id: 'c1', cmd: ['false'], timeout: '5' });
  });

  it('answers an absent image with null', async () => {
    expect((await rt.imageStatus({ image: 'nope' })).image).toBeNull();
  });

  it('maps gRPC status codes to RuntimeError codes', async () => {
    const err = await rt.containerStatus('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err).toMatchObject({ code: 'NotFound', method: 'ContainerStatus' });
    expect(isNotFound(err)).toBe(true);
    expect((err as Error).message).toBe('ContainerStatus: container "nope" not found');
    await expect(rt.portForward({ pod_sandbox_id: 's1', port: [80] })).rejects.toMatchObject({
      code: 'Unimplemented',
    });
  });

  it('enforces per-call deadlines and cancellation', async () => {
    await expect(rt.stopPodSandbox('s1', { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'DeadlineExceeded',
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(rt.stopPodSandbox('s1', { signal: ac.signal })).rejects.toMatchObject({ code: 'Canceled' });
    await expect(rt.stopPodSandbox('s1', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'Canceled',
    });
  });

  it('fails Unavailable when nothing listens', async () => {
    const nowhere = new RemoteRuntime({ socket: join(dir, 'absent.sock') });
    try {
      await expect(nowhere.version('v1', { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'Unavailable' });
    } finally {
      nowhere.close();
    }
  });
});
