/**
 * Container lifecycle hooks (upstream `pkg/kubelet/lifecycle` handlers): `HandlerRunner` runs a
 * postStart or preStop handler — exec (CRI ExecSync; a non-zero exit fails), httpGet (the pod IP
 * unless `host` is set; only a transport error fails, any status code is an answer) or sleep (on
 * the injected clock). A failure resolves to the message upstream puts in the
 * `FailedPostStartHook`/`FailedPreStopHook` event; exceptions are reserved for bugs.
 */
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { Runtime } from '../container/runtime.js';
import type { Clock } from '../lifecycle.js';
import { httpGet, probeHeaders, probeURL } from '../prober/probe/http.js';
import { resolveContainerPort } from '../prober/probe/index.js';

export interface HookTarget {
  pod: Pod;
  container: Container;
  /** The CRI container id. */
  containerID: string;
  /** The pod's sandbox (its IP is the default host of an httpGet handler). */
  sandboxID: string;
}

export interface HandlerRunnerOptions {
  runtime: Pick<Runtime, 'execSync' | 'podSandboxStatus'>;
  clock: Clock;
  /** Timeout of an httpGet handler's request (default 10 s, as upstream's hook HTTP client). */
  httpTimeoutMs?: number;
}

const podDescription = (pod: Pod) =>
  `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;

export class HandlerRunner {
  constructor(private readonly o: HandlerRunnerOptions) {}

  /** Runs the handler: null on success, else the failure message. */
  async run(target: HookTarget, handler: LifecycleHandler, signal?: AbortSignal): Promise<string | null> {
    const { pod, container } = target;
    const where = `for Container ${JSON.stringify(container.name)} in Pod ${JSON.stringify(podDescription(pod))}`;
    if (handler.exec) {
      const cmd = handler.exec.command ?? [];
      try {
        const res = await this.o.runtime.execSync(target.containerID, cmd, 0, signal ? { signal } : {});
        if (res.exit_code === 0) return null;
        const output = Buffer.concat([res.stdout, res.stderr]).toString('utf8');
        return `Exec lifecycle hook (${JSON.stringify(cmd)}) ${where} failed - error: command '${cmd.join(' ')}' exited with ${res.exit_code}: ${output}, message: ${JSON.stringify(output)}`;
      } catch (err) {
        return `Exec lifecycle hook (${JSON.stringify(cmd)}) ${where} failed - error: ${(err as Error).message}, message: ""`;
      }
    }
    if (handler.httpGet) {
      const g = handler.httpGet;
      let url = g.path ?? '';
      try {
        const host = g.host || (await this.podIP(target.sandboxID));
        const u = probeURL({
          scheme: g.scheme ?? 'HTTP',
          host,
          port: resolveContainerPort(g.port, container),
          path: g.path ?? '',
        });
        url = u.href;
        await httpGet(u, probeHeaders(g.httpHeaders ?? []), this.o.httpTimeoutMs ?? 10_000);
        return null;
      } catch (err) {
        return `HTTP lifecycle hook (${url}) ${where} failed - error: ${(err as Error).message}`;
      }
    }
    if (handler.sleep) {
      await this.sleep((handler.sleep.seconds ?? 0) * 1000, signal);
      return null;
    }
    return `Lifecycle hook ${where} failed - error: invalid handler: no exec, httpGet or sleep action`;
  }

  private async podIP(sandboxID: string): Promise<string> {
    const status = (await this.o.runtime.podSandboxStatus(sandboxID)).status;
    const ip = status?.network?.ip;
    if (!ip) throw new Error(`no IP for sandbox ${sandboxID}`);
    return ip;
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          timer.cancel();
          resolve();
        },
        { once: true },
      );
    });
  }
}
