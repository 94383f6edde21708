/**
 * Forwarding of names outside the cluster zone to the host's resolvers (CoreDNS's
 * `forward . /etc/resolv.conf`): the client's query goes out unchanged over UDP from a fresh
 * socket (a random source port per query), each upstream in turn until one answers within the
 * timeout; a truncated answer to a TCP client is fetched again over TCP. No answer from any
 * upstream → `undefined` (the handler answers SERVFAIL).
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { isIP, isIPv6, Socket } from 'node:net';

export interface Upstream {
  address: string;
  port: number;
}

export type Transport = 'udp' | 'tcp';

/** Sends a raw query on; resolves the raw answer, or undefined when no upstream answered. */
export type Forward = (query: Buffer, transport: Transport) => Promise<Buffer | undefined>;

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** Per upstream and attempt (default 2 s). */
  timeoutMs?: number;
}

const TC_FLAG = 1 << 9;

/** The `nameserver` lines of a resolv.conf. */
export function parseNameservers(content: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of content.split('\n')) {
    const [key, value] = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && value && isIP(value)) out.push({ address: value, port: 53 });
  }
  return out;
}

/** The host's resolvers from /etc/resolv.conf (none when it can't be read). */
export async function hostUpstreams(path = '/etc/resolv.conf'): Promise<Upstream[]> {
  try {
    return parseNameservers(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}

export function createForwarder(options: ForwarderOptions): Forward {
  const timeoutMs = options.timeoutMs ?? 2000;
  return async (query, transport) => {
    for (const upstream of options.upstreams) {
      const answer = await udpExchange(upstream, query, timeoutMs).catch(() => undefined);
      if (!answer) continue;
      const truncated = answer.length >= 4 && (answer.readUInt16BE(2) & TC_FLAG) !== 0;
      if (truncated && transport === 'tcp') {
        const full = await tcpExchange(upstream, query, timeoutMs).catch(() => undefined);
        if (full) return full;
      }
      return answer;
    }
    return undefined;
  };
}

/** One UDP query/answer; answers only with a datagram from the upstream carrying the query's id. */
export function udpExchange(
  upstream: Upstream,
  query: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(upstream.address) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (answer: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('message', (msg, rinfo) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === id && rinfo.port === upstream.port) done(msg);
    });
    socket.send(query, upstream.port, upstream.address, (err) => {
      if (err) done(undefined);
    });
  });
}

/** One TCP query/answer (2-byte length prefixes, RFC 1035 4.2.2). */
export function tcpExchange(
  upstream: Upstream,
  query: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let buf = Buffer.alloc(0);
    const done = (answer: Buffer | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
        done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    socket.connect(upstream.port, upstream.address, () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
  });
}
