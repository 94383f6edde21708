/** Prometheus metrics of the API server, served at `/metrics`. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'API requests by verb, group, version, resource, subresource, scope and HTTP code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'API request latency by verb, group, version, resource, subresource and scope.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(
    labels: {
      verb: string;
      group: string;
      version: string;
      resource: string;
      subresource: string;
      scope: string;
    },
    code: number,
    seconds: number,
  ): void {
    this.requests.inc({ ...labels, code: String(code) });
    // Watches last as long as the client wants: their duration says nothing about latency.
    if (labels.verb !== 'WATCH') this.latency.observe(labels, seconds);
  }

  async text(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
