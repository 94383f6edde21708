/**
 * Exec/attach over WebSocket (v5 or v4 channels, channels.ts) bridged to the SPDY
 * `v4.channel.k8s.io` the kubelet and containerd speak: one SPDY stream per channel, opened in
 * the order a v4 client opens them; stdin's half-close carries v5's CLOSE of channel 0 (which a
 * WebSocket v4 backend could not). The process's exit Status arrives on the error stream and goes
 * out on channel 3; when the backend hangs up, the WebSocket is closed normally.
 */
import type { WebSocket } from 'ws';
import type { Upgraded } from '../proxy/upgrade-aware.js';
import {
  type ChannelProtocol,
  channelOfStream,
  decodeClientMessage,
  encodeServerMessage,
  streamTypes,
} from './channels.js';
import { SpdyClientSession, type SpdyStream } from './spdy.js';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The SPDY upgrade headers for a v4 exec/attach backend. */
export const spdyExecHeaders = {
  Connection: 'Upgrade',
  Upgrade: 'SPDY/3.1',
  'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
};

export async function bridgeChannelsToSpdy(
  ws: WebSocket,
  protocol: ChannelProtocol,
  backend: Upgraded,
  o: StreamOptions,
): Promise<void> {
  const session = new SpdyClientSession(backend.socket, backend.head);
  const early: Buffer[] = [];
  let stdin: SpdyStream | undefined;
  let resize: SpdyStream | undefined;
  let ready = false;
  const deliver = (message: Buffer) => {
    const m = decodeClientMessage(protocol, message);
    switch (m.kind) {
      case 'stdin':
        stdin?.write(m.data);
        break;
      case 'resize':
        resize?.write(m.data);
        break;
      case 'closeStdin':
        stdin?.end();
        break;
      case 'ignore':
        break;
    }
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const message = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (ready) deliver(message);
    else early.push(message);
  });
  ws.once('close', () => session.close());
  ws.once('error', () => session.close());

  for (const type of streamTypes(o)) {
    const channel = channelOfStream[type];
    const stream = await session.openStream(
      { streamType: type },
      channel === undefined
        ? {}
        : {
            onData: (d) => {
              if (ws.readyState === ws.OPEN) ws.send(encodeServerMessage(channel, d));
            },
          },
    );
    if (type === 'stdin') stdin = stream;
    if (type === 'resize') resize = stream;
  }
  ready = true;
  for (const m of early.splice(0)) deliver(m);
  await session.closed;
  if (ws.readyState === ws.OPEN) ws.close(1000);
}
