/**
 * Just enough SPDY/3.1 to be the client of a Kubernetes stream (exec/attach's
 * `v4.channel.k8s.io`): open streams with headers, send data and half-close them, receive data.
 * Frames (big-endian):
 *
 *   control: 1 | version(15)=3 | type(16) | flags(8) | length(24) | payload
 *   data:    0 | stream id(31)             | flags(8) | length(24) | payload
 *
 * Header blocks are one zlib stream per direction (primed with the SPDY dictionary, flushed after
 * each block). Received header blocks are not needed here and are not inflated. Flow control
 * (WINDOW_UPDATE) is ignored: the Kubernetes peers do not enforce it for these streams.
 */
import type { Duplex } from 'node:stream';
import { constants, createDeflate, type Deflate } from 'node:zlib';
import { spdyDictionary } from './spdy-dictionary.js';

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

const FLAG_FIN = 0x01;

export type Frame =
  | { kind: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames (stateful: a frame may arrive in pieces). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4] ?? 0;
      const payload = this.buf.subarray(8, 8 + length);
      if ((this.buf[0] ?? 0) & 0x80) {
        frames.push({ kind: 'control', type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        const streamId = this.buf.readUInt32BE(0) & 0x7fffffff;
        frames.push({ kind: 'data', streamId, fin: (flags & FLAG_FIN) !== 0, data: payload });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function controlFrame(type: FrameType, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

/** The uncompressed name/value block: count, then each name and value after its 4-byte length. */
export function nameValueBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length, 0);
  parts.push(count);
  for (const [name, value] of Object.entries(headers)) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length, 0);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export interface SpdyStream {
  id: number;
  write(data: Buffer): void;
  /** Half-closes our side (an empty data frame with FIN). */
  end(): void;
}

export interface SpdyStreamHandlers {
  onData?: (data: Buffer) => void;
  /** The peer half-closed or reset the stream. */
  onEnd?: () => void;
}

/** The client side of a SPDY/3.1 connection on an upgraded socket. */
export class SpdyClientSession {
  private nextId = 1;
  private readonly reader = new FrameReader();
  private readonly deflate: Deflate = createDeflate({ dictionary: spdyDictionary });
  private readonly handlers = new Map<number, SpdyStreamHandlers>();
  private headerChain: Promise<void> = Promise.resolve();
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Duplex,
    head: Buffer = Buffer.alloc(0),
  ) {
    this.closed = new Promise((resolve) => {
      const done = () => {
        for (const h of this.handlers.values()) h.onEnd?.();
        this.handlers.clear();
        this.deflate.close();
        resolve();
      };
      socket.once('close', done);
      socket.once('error', () => socket.destroy());
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    if (head.length) queueMicrotask(() => this.receive(head));
  }

  /** Opens a stream (SYN_STREAM with `headers`); resolves once the frame is written. */
  openStream(headers: Record<string, string>, handlers: SpdyStreamHandlers = {}): Promise<SpdyStream> {
    const id = this.nextId;
    this.nextId += 2;
    this.handlers.set(id, handlers);
    const sent = this.headerChain.then(async () => {
      const block = await this.compress(nameValueBlock(headers));
      const fixed = Buffer.alloc(10); // stream id, associated stream id, priority, slot
      fixed.writeUInt32BE(id, 0);
      this.socket.write(controlFrame(FrameType.SynStream, 0, Buffer.concat([fixed, block])));
    });
    this.headerChain = sent.catch(() => undefined);
    return sent.then(() => ({
      id,
      write: (data: Buffer) => {
        if (data.length && this.socket.writable) this.socket.write(dataFrame(id, data));
      },
      end: () => {
        if (this.socket.writable) this.socket.write(dataFrame(id, Buffer.alloc(0), true));
      },
    }));
  }

  close(): void {
    this.socket.destroy();
  }

  private compress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.deflate.on('data', onData);
      this.deflate.once('error', reject);
      this.deflate.write(block);
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.deflate.off('data', onData);
        this.deflate.off('error', reject);
        resolve(Buffer.concat(chunks));
      });
    });
  }

  private receive(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) {
      if (frame.kind === 'data') {
        const h = this.handlers.get(frame.streamId);
        if (frame.data.length) h?.onData?.(frame.data);
        if (frame.fin) this.finish(frame.streamId);
        continue;
      }
      switch (frame.type) {
        case FrameType.SynReply:
          if (frame.flags & FLAG_FIN) this.finish(frame.payload.readUInt32BE(0) & 0x7fffffff);
          break;
        case FrameType.RstStream:
          this.finish(frame.payload.readUInt32BE(0) & 0x7fffffff);
          break;
        case FrameType.Ping:
          this.socket.write(controlFrame(FrameType.Ping, 0, frame.payload));
          break;
        case FrameType.GoAway:
          this.socket.end();
          break;
        case FrameType.SynStream: {
          // the server opening streams is not part of these protocols: refuse (RST_STREAM REFUSED_STREAM)
          const rst = Buffer.alloc(8);
          rst.writeUInt32BE(frame.payload.readUInt32BE(0) & 0x7fffffff, 0);
          rst.writeUInt32BE(3, 4);
          this.socket.write(controlFrame(FrameType.RstStream, 0, rst));
          break;
        }
        default:
          break; // SETTINGS, HEADERS, WINDOW_UPDATE: nothing to do
      }
    }
  }

  private finish(id: number): void {
    const h = this.handlers.get(id);
    this.handlers.delete(id);
    h?.onEnd?.();
  }
}
