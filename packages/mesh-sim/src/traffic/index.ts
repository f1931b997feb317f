// PLACEHOLDER until the traffic model lands (issue #3): the composition root imports this
// signature; the traffic helper replaces the body.
import type { ClusterView } from '../cluster/types';

export interface TrafficOptions {
  cluster: ClusterView;
  scenario: 'bookinfo' | 'scale';
  /** Seed for the random streams, so a test run is reproducible. */
  seed?: number;
}

export interface TrafficEngine {
  /** Prometheus text exposition of every series. */
  renderMetrics(): string;
  /** Number of series currently exported. */
  seriesCount(): number;
  stop(): void;
}

export function startTraffic(_options: TrafficOptions): TrafficEngine {
  return { renderMetrics: () => '', seriesCount: () => 0, stop: () => undefined };
}
