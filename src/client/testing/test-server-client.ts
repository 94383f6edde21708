/**
 * For a test file or suite that talks to an API server over HTTP: an in-process test server and a
 * Client of it, started before the suite's tests and closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../apiserver/testing/test-server.js';
import { Client } from '../index.js';

export interface TestServerClient {
  /** Set once the suite's `beforeAll` ran. */
  server: TestServer;
  client: Client;
}

/** Call at a file's top level or in a `describe`; read the fields inside tests and hooks. */
export function withTestServer(options?: Parameters<typeof startTestServer>[0]): TestServerClient {
  const fixture = {} as TestServerClient;
  beforeAll(async () => {
    fixture.server = await startTestServer(options);
    fixture.client = new Client({ server: fixture.server.url });
  });
  afterAll(async () => {
    fixture.client?.close();
    await fixture.server?.close();
  });
  return fixture;
}
