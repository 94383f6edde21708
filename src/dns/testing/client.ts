/** DNS test helpers: a fake list+watch source, and queries encoded with dns-packet over UDP/TCP. */
import { createSocket } from 'node:dgram';
import { Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, RecordType } from 'dns-packet';
import type { KubeObject, ListerWatcher, ObjectList, ResourceRef, WatchEvent } from '../../client/index.js';
import type { ResourceSource } from '../cluster-dns.js';

/** An API of objects by plural whose watches deliver what `emit` is given afterwards. */
export class FakeSource implements ResourceSource {
  private readonly items = new Map<string, KubeObject[]>();
  private readonly watchers = new Map<string, Array<(e: WatchEvent<KubeObject>) => void>>();

  constructor(
    initial: Record<string, KubeObject[]> = {},
    /** plurals whose list always fails */
    private readonly failing = new Set<string>(),
  ) {
    for (const [plural, objs] of Object.entries(initial)) this.items.set(plural, objs);
  }

  emit(plural: string, event: WatchEvent<KubeObject>): void {
    for (const w of this.watchers.get(plural) ?? []) w(event);
  }

  resource<T extends KubeObject>(ref: ResourceRef): ListerWatcher<T> {
    const plural = ref.plural;
    return {
      list: async (): Promise<ObjectList<T>> => {
        if (this.failing.has(plural)) throw new Error(`${plural}: the server is unavailable`);
        return { metadata: { resourceVersion: '1' }, items: (this.items.get(plural) ?? []) as T[] };
      },
      watch: async (options) => {
        const queue: Array<WatchEvent<T>> = [];
        let wake: (() => void) | undefined;
        const list = this.watchers.get(plural) ?? [];
        list.push((e) => {
          queue.push(e as WatchEvent<T>);
          wake?.();
        });
        this.watchers.set(plural, list);
        const signal = options.signal;
        return (async function* () {
          while (!signal?.aborted) {
            const next = queue.shift();
            if (next) {
              yield next;
              continue;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              signal?.addEventListener('abort', () => resolve(), { once: true });
            });
          }
        })();
      },
    };
  }
}

export const query = (name: string, type: RecordType, extra: Partial<Packet> = {}): Buffer =>
  dnsPacket.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65535),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    ...extra,
  });

export type Reply = DecodedPacket & { rcode?: string };

export function udpAsk(port: number, msg: Buffer, address = '127.0.0.1', timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no UDP answer'));
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m) as Reply);
    });
    s.send(msg, port, address);
  });
}

export function tcpAsk(port: number, msgs: Buffer[], address = '127.0.0.1'): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    let buf = Buffer.alloc(0);
    const out: Reply[] = [];
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))) as Reply);
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === msgs.length) {
        s.destroy();
        resolve(out);
      }
    });
    s.connect(port, address, () => {
      // both messages in one write: pipelined queries on one connection
      s.write(
        Buffer.concat(
          msgs.flatMap((m) => {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(m.length);
            return [len, m];
          }),
        ),
      );
    });
  });
}
