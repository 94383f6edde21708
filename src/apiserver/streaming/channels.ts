/**
 * The WebSocket channel protocols of exec/attach (`v4.channel.k8s.io`, `v5.channel.k8s.io`): each
 * binary message is one channel byte and the data. Channels: 0 stdin, 1 stdout, 2 stderr,
 * 3 error (a `Status` when the process ends), 4 resize (`{"Width":…,"Height":…}`). v5 adds 255,
 * CLOSE, whose one data byte names a channel the client is done writing (stdin: its EOF); v4 has
 * no way to say that. Backends here speak SPDY, one stream per channel, where a half-close says it.
 */

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
export const channelProtocols = [V5, V4] as const;
export type ChannelProtocol = (typeof channelProtocols)[number];

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** What a client's message means for the backend. */
export type ClientMessage =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; data: Buffer }
  | { kind: 'closeStdin' }
  | { kind: 'ignore'; why: string };

export function decodeClientMessage(protocol: ChannelProtocol, message: Buffer): ClientMessage {
  if (message.length === 0) return { kind: 'ignore', why: 'empty message' };
  const channel = message[0];
  const data = message.subarray(1);
  switch (channel) {
    case Channel.stdin:
      return { kind: 'stdin', data };
    case Channel.resize:
      return { kind: 'resize', data };
    case Channel.close:
      if (protocol !== V5) return { kind: 'ignore', why: `channel 255 is not part of ${protocol}` };
      return data[0] === Channel.stdin
        ? { kind: 'closeStdin' }
        : { kind: 'ignore', why: `close of channel ${data[0]}` };
    default:
      return { kind: 'ignore', why: `a client does not write channel ${channel}` };
  }
}

/** A message to the client on `channel`. */
export const encodeServerMessage = (channel: number, data: Buffer): Buffer =>
  Buffer.concat([Buffer.from([channel]), data]);

/** The first protocol of ours the client offers (its `Sec-WebSocket-Protocol` list). */
export function pickChannelProtocol(offered: Iterable<string>): ChannelProtocol | undefined {
  const set = new Set(offered);
  return channelProtocols.find((p) => set.has(p));
}

/** The SPDY streams (by `streamType`) a v4 exec/attach opens, in order, for the streams asked for. */
export function streamTypes(o: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): string[] {
  return [
    'error',
    ...(o.stdin ? ['stdin'] : []),
    ...(o.stdout ? ['stdout'] : []),
    ...(o.stderr && !o.tty ? ['stderr'] : []),
    ...(o.tty ? ['resize'] : []),
  ];
}

/** The WebSocket channel of a backend stream's data. */
export const channelOfStream: Record<string, number> = {
  stdout: Channel.stdout,
  stderr: Channel.stderr,
  error: Channel.error,
};
