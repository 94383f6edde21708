/**
 * An in-process API server over the memory store, plain HTTP, for handler tests: the real
 * HTTP path without TLS, processes or a data dir.
 */
import { pino } from 'pino';
import { bootstrap } from '../../controlplane/bootstrap.js';
import { builtinResources } from '../../registry/all.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { Api } from '../api.js';
import { ApiServer } from '../server.js';
import type { WatchTuning } from '../handlers/watch.js';

export interface TestServer {
  url: string;
  api: Api;
  store: MemoryStore;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // Responses are JSON objects whose shape each test asserts on.
  json: Record<string, unknown> & { [k: string]: never | unknown };
}

export async function startTestServer(options: { watch?: WatchTuning } = {}): Promise<TestServer> {
  const store = new MemoryStore();
  const api = new Api({ store, resources: builtinResources });
  await bootstrap(api);
  const server = new ApiServer({
    api,
    logger: pino({ level: 'silent' }),
    ...(options.watch ? { watch: options.watch } : {}),
  });
  await server.listen();
  const url = server.url;
  return {
    url,
    api,
    store,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      let json: TestResponse['json'] = {};
      try {
        json = JSON.parse(text) as TestResponse['json'];
      } catch {
        // not JSON (e.g. /healthz)
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}
