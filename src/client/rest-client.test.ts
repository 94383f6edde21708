import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RestClient } from './rest-client.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server answering `/version` with its name; `url` stays valid (refusing) once it is closed. */
async function named(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Connection', 'close');
    res.end(JSON.stringify({ gitVersion: name, major: '1', minor: '32' }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('RestClient with several servers', () => {
  it('passes over a server that refuses connections, and stays with the one that answers', async () => {
    const [a, b, c] = [await named('a'), await named('b'), await named('c')];
    const client = new RestClient({ server: `${a.url}, ${b.url},${c.url}` });
    expect((await client.version()).gitVersion).toBe('a');
    await a.close();
    expect((await client.version()).gitVersion).toBe('b');
    expect(client.server.toString()).toBe(`${b.url}/`);
    expect((await client.version()).gitVersion).toBe('b');
    await b.close();
    expect((await client.version()).gitVersion).toBe('c');
    client.close();
  });

  it('fails with the connection error when no server answers', async () => {
    const [a, b] = [await named('a'), await named('b')];
    const client = new RestClient({ server: `${a.url},${b.url}` });
    await a.close();
    await b.close();
    await expect(client.version()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    client.close();
  });

  it('with one server, reports the error as it is', async () => {
    const a = await named('a');
    const client = new RestClient({ server: a.url });
    await a.close();
    await expect(client.version()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    client.close();
  });
});
