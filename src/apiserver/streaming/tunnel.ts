/**
 * Port-forward over WebSocket as kubectl ≥ 1.31 does it: the WebSocket (subprotocol
 * `SPDY/3.1+portforward.k8s.io`) is only a pipe for a SPDY connection that kubectl runs itself,
 * one binary message per chunk. The server end of that SPDY is the backend's: after upgrading to
 * SPDY there (`portforward.k8s.io`), the bytes are passed through both ways.
 */
import type { WebSocket } from 'ws';
import type { Upgraded } from '../proxy/upgrade-aware.js';

export const SPDY_TUNNEL_PORTFORWARD = 'SPDY/3.1+portforward.k8s.io';

export const spdyPortForwardHeaders = {
  Connection: 'Upgrade',
  Upgrade: 'SPDY/3.1',
  'X-Stream-Protocol-Version': 'portforward.k8s.io',
};

export function tunnelWebSocket(ws: WebSocket, backend: Upgraded): Promise<void> {
  const { socket, head } = backend;
  return new Promise((resolve) => {
    const done = () => {
      socket.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      resolve();
    };
    if (head.length) ws.send(head);
    socket.on('data', (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk);
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (socket.writable) socket.write(chunk);
    });
    socket.once('close', done);
    socket.once('error', done);
    ws.once('close', done);
    ws.once('error', done);
  });
}
