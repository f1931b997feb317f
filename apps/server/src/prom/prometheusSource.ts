import type { PromClient } from './client';
import { latencyFromBuckets, requestSample, tcpSamples } from './labels';
import { latencyQuery, requestsQuery, tcpQuery } from './queries';
import type { TelemetryRequest, TelemetryResult, TelemetrySource } from './source';

/** Telemetry from Prometheus: three PromQL queries per graph, run in parallel. */
export class PrometheusSource implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly description: string;

  constructor(private readonly client: PromClient) {
    this.description = client.url;
  }

  async fetch(request: TelemetryRequest): Promise<TelemetryResult> {
    const { namespaces, windowSeconds, timeoutMs, signal, time } = request;
    const opts = { timeoutMs, signal, ...(time !== undefined ? { time } : {}) };
    const [requests, latencies, tcp] = await Promise.all([
      this.client.query(requestsQuery(namespaces, windowSeconds), opts),
      this.client.query(latencyQuery(namespaces, windowSeconds), opts),
      this.client.query(tcpQuery(namespaces, windowSeconds), opts),
    ]);
    return {
      queries: 3,
      telemetry: {
        requests: requests
          .filter((s) => Number.isFinite(s.value) && s.value > 0)
          .map((s) => requestSample(s.metric, s.value)),
        latencies: latencyFromBuckets(latencies.map((s) => ({ labels: s.metric, value: s.value }))),
        tcp: tcpSamples(
          tcp.map((s) => ({ labels: s.metric, direction: s.metric.direction ?? '', value: s.value })),
        ),
      },
    };
  }
}
