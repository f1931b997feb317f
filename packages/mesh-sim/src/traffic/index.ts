import type { ClusterView } from '../cluster/types';
import { IstioMetrics } from '../metrics/istio';
import { buildSnapshot, WATCHED_RESOURCES } from './mesh';
import { createRandom } from './random';
import { bookinfoScenario } from './scenario-bookinfo';
import { scaleScenario } from './scenario-scale';
import type { Scenario } from './scenario';
import { Simulator } from './simulator';

export type { Scenario } from './scenario';

export interface TrafficOptions {
  cluster: ClusterView;
  scenario: 'bookinfo' | 'scale';
  /** Seed for the random streams, so a test run is reproducible. */
  seed?: number;
  /** Simulation step; each step draws Poisson arrivals for the elapsed time. Default 250 ms. */
  tickMs?: number;
  /** false: no timer; the caller drives time with `advance()` (unit tests). */
  autoTick?: boolean;
  /** Replace the scenario's behaviour (custom load shapes in tests). */
  model?: Scenario;
  /** Keep istio_request_bytes / istio_response_bytes. Default: on for bookinfo, off for scale (scrape size). */
  byteHistograms?: boolean;
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
  /** Simulates `seconds` of traffic at once (after applying pending cluster changes); returns the requests originated. */
  advance(seconds: number): number;
  /** Requests originated since start (entry requests, not hops). */
  requestCount(): number;
}

/**
 * Starts the traffic model: it watches the cluster like istiod (any change to workloads,
 * services or Istio config is applied at the next tick, within `tickMs`) and simulates
 * requests in discrete ticks, recording Istio's standard metrics from both proxies.
 */
export function startTraffic(options: TrafficOptions): TrafficEngine {
  const tickMs = options.tickMs ?? 250;
  const metrics = new IstioMetrics({
    byteHistograms: options.byteHistograms ?? options.scenario !== 'scale',
  });
  const model = options.model ?? (options.scenario === 'scale' ? scaleScenario() : bookinfoScenario());
  const simulator = new Simulator(
    metrics,
    model,
    createRandom(options.seed ?? 1),
    buildSnapshot(options.cluster),
  );

  let dirty = false;
  let requests = 0;
  const unsubscribe = options.cluster.subscribe((event) => {
    if (WATCHED_RESOURCES.has(event.resource)) dirty = true;
  });

  const advance = (seconds: number): number => {
    if (dirty) {
      dirty = false;
      simulator.setSnapshot(buildSnapshot(options.cluster));
    }
    const originated = simulator.tick(seconds);
    requests += originated;
    return originated;
  };

  let last = Date.now();
  const timer =
    options.autoTick === false
      ? undefined
      : setInterval(() => {
          const now = Date.now();
          // A stalled event loop must not turn into a burst: cap the step at one second.
          const seconds = Math.min(Math.max(now - last, 0), 1000) / 1000;
          last = now;
          advance(seconds);
        }, tickMs);
  timer?.unref();

  return {
    renderMetrics: () => metrics.render(),
    collect: () => metrics.collect(),
    seriesCount: () => metrics.seriesCount(),
    stop: () => {
      if (timer) clearInterval(timer);
      unsubscribe();
    },
    advance,
    requestCount: () => requests,
  };
}
