/**
 * DNS over UDP and TCP on one address and port (RFC 1035 4.2; TCP messages carry a 2-byte length
 * prefix, several may be pipelined on one connection). Each message goes to the handler; its
 * answer is sent back to the same client. Port 0 picks a free port shared by both.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import type { Handler } from './handler.js';

export interface DNSServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  address: string;
  /** default 53; 0 = a free port (the same for UDP and TCP) */
  port?: number;
  handler: Handler;
  logger?: Logger;
  /** Idle TCP connections are closed after this long (default 10 s). */
  tcpIdleMs?: number;
}

export async function listenDNS(options: ListenOptions): Promise<DNSServer> {
  const wanted = options.port ?? 53;
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(options, wanted);
    const port = udp.address().port;
    try {
      const tcp = await bindTcp(options, port);
      return serverOf(options.address, port, udp, tcp);
    } catch (err) {
      udp.close();
      // port 0: the port UDP got may be taken for TCP; try another
      if (wanted !== 0 || attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

function serverOf(address: string, port: number, udp: UdpSocket, tcp: TcpListener): DNSServer {
  return {
    address,
    port,
    async close() {
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), tcp.close()]);
    },
  };
}

async function bindUdp(options: ListenOptions, port: number): Promise<UdpSocket> {
  const socket = createSocket(isIPv6(options.address) ? 'udp6' : 'udp4');
  socket.on('message', (msg, rinfo) => {
    options.handler(msg, 'udp').then(
      (answer) => {
        if (answer) socket.send(answer, rinfo.port, rinfo.address);
      },
      (err: Error) => options.logger?.warn({ err: err.message }, 'dns: udp query failed'),
    );
  });
  const bound = once(socket, 'listening');
  const failed = once(socket, 'error');
  socket.bind(port, options.address);
  await Promise.race([bound, failed.then(([err]) => Promise.reject(err as Error))]);
  socket.on('error', (err) => options.logger?.warn({ err: err.message }, 'dns: udp socket error'));
  return socket;
}

interface TcpListener {
  close(): Promise<void>;
}

async function bindTcp(options: ListenOptions, port: number): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, options);
  });
  const bound = once(server, 'listening');
  const failed = once(server, 'error');
  server.listen(port, options.address);
  await Promise.race([bound, failed.then(([err]) => Promise.reject(err as Error))]);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(socket: Socket, options: ListenOptions): void {
  let buf = Buffer.alloc(0);
  socket.setTimeout(options.tcpIdleMs ?? 10_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      options.handler(Buffer.from(msg), 'tcp').then(
        (answer) => {
          if (!answer || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(answer.length);
          socket.write(Buffer.concat([len, answer]));
        },
        (err: Error) => options.logger?.warn({ err: err.message }, 'dns: tcp query failed'),
      );
    }
  });
}
