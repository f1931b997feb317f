// PLACEHOLDER until the traffic model lands (issue #3): the composition root imports this
// signature; the traffic model replaces the body and keeps the signature.
import type { ClusterView } from '../cluster/types';

export interface TrafficOptions {
  cluster: ClusterView;
  scenario: 'bookinfo' | 'scale';
  /** Seed for the random streams, so a test run is reproducible. */
  seed?: number;
}

/** One exported sample, as Prometheus would see it (histograms as `_bucket`/`_sum`/`_count` samples). */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface TrafficEngine {
  /** Prometheus text exposition of every series. */
  renderMetrics(): string;
  /** Every sample, for callers that read the counters without a Prometheus (the demo). */
  collect(): MetricSample[];
  /** Number of series currently exported. */
  seriesCount(): number;
  stop(): void;
}

export function startTraffic(_options: TrafficOptions): TrafficEngine {
  return { renderMetrics: () => '', collect: () => [], seriesCount: () => 0, stop: () => undefined };
}
