/**
 * TCP probe (upstream `pkg/probe/tcp`): a connection opened within the timeout is a success;
 * it is closed at once, nothing is sent.
 */
import { connect } from 'node:net';
import { joinHostPort, type ProbeOutcome } from './index.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ result: 'Failure', output: `dial tcp ${addr}: i/o timeout` }),
      timeoutMs,
    );
    socket.once('connect', () => done({ result: 'Success', output: '' }));
    socket.once('error', (err) => done({ result: 'Failure', output: `dial tcp ${addr}: ${err.message}` }));
  });
}
