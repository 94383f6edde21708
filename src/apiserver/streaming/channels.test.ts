import { describe, expect, it } from 'vitest';
import {
  V4,
  V5,
  decodeClientMessage,
  encodeServerMessage,
  pickChannelProtocol,
  streamTypes,
} from './channels.js';
import { FrameReader, FrameType, controlFrame, dataFrame, nameValueBlock } from './spdy.js';
import { spdyDictionary } from './spdy-dictionary.js';

const msg = (...bytes: number[]) => Buffer.from(bytes);

describe('v5/v4 channels → SPDY streams', () => {
  it.each([
    [V5, msg(0, 104, 105), { kind: 'stdin', data: Buffer.from('hi') }],
    [V4, msg(0, 104, 105), { kind: 'stdin', data: Buffer.from('hi') }],
    [V5, msg(4, 123, 125), { kind: 'resize', data: Buffer.from('{}') }],
    [V5, msg(255, 0), { kind: 'closeStdin' }],
    [V4, msg(255, 0), { kind: 'ignore' }],
    [V5, msg(255, 1), { kind: 'ignore' }],
    [V5, msg(1, 65), { kind: 'ignore' }],
    [V5, msg(), { kind: 'ignore' }],
  ] as const)('%s %j', (protocol, message, want) => {
    expect(decodeClientMessage(protocol, message)).toMatchObject(want);
  });

  it('prefixes server data with its channel', () => {
    expect(encodeServerMessage(3, Buffer.from('{}'))).toEqual(msg(3, 123, 125));
  });

  it('prefers v5, then v4', () => {
    expect(pickChannelProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io'])).toBe(V5);
    expect(pickChannelProtocol(['v4.channel.k8s.io', 'channel.k8s.io'])).toBe(V4);
    expect(pickChannelProtocol(['base64.channel.k8s.io'])).toBeUndefined();
  });

  it.each([
    [{ stdin: true, stdout: true, stderr: true, tty: false }, ['error', 'stdin', 'stdout', 'stderr']],
    [{ stdin: true, stdout: true, stderr: true, tty: true }, ['error', 'stdin', 'stdout', 'resize']],
    [{ stdin: false, stdout: true, stderr: false, tty: false }, ['error', 'stdout']],
  ])('opens the streams of %j', (o, want) => {
    expect(streamTypes(o)).toEqual(want);
  });
});

describe('SPDY/3.1 framing', () => {
  it('has the 1423-byte dictionary', () => {
    expect(spdyDictionary.length).toBe(1423);
    expect(spdyDictionary.subarray(0, 11)).toEqual(Buffer.from('\0\0\0\x07options', 'latin1'));
    expect(spdyDictionary.subarray(-6).toString()).toBe('enq=0.');
  });

  it('writes and reads data and control frames, split anywhere', () => {
    const wire = Buffer.concat([
      dataFrame(3, Buffer.from('hello')),
      controlFrame(FrameType.Ping, 0, msg(0, 0, 0, 1)),
      dataFrame(5, Buffer.alloc(0), true),
    ]);
    const reader = new FrameReader();
    const frames = [
      ...reader.push(wire.subarray(0, 7)),
      ...reader.push(wire.subarray(7, 20)),
      ...reader.push(wire.subarray(20)),
    ];
    expect(frames).toEqual([
      { kind: 'data', streamId: 3, fin: false, data: Buffer.from('hello') },
      { kind: 'control', type: FrameType.Ping, flags: 0, payload: msg(0, 0, 0, 1) },
      { kind: 'data', streamId: 5, fin: true, data: Buffer.alloc(0) },
    ]);
  });

  it('encodes a name/value block with lowercased names', () => {
    expect(nameValueBlock({ streamType: 'error' })).toEqual(
      Buffer.concat([
        msg(0, 0, 0, 1),
        msg(0, 0, 0, 10),
        Buffer.from('streamtype'),
        msg(0, 0, 0, 5),
        Buffer.from('error'),
      ]),
    );
  });
});
