import type { ClusterView } from '../cluster/types';
import { IstioMetrics } from '../metrics/istio';
import { buildSnapshot, WATCHED_RESOURCES } from './mesh';
import { createRandom } from './random';
import { bookinfoScenario } from './scenario-bookinfo';
import { scaleScenario, withAnnotatedWorkloads } from './scenario-scale';
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
  /**
   * Each simulated request stands for this many identical ones. Default: adaptive — starts at 1
   * and doubles while a tick simulates more than `hopBudgetPerSecond` hops (the scale scenario
   * needs it; bookinfo stays at 1). Counting hops rather than time keeps runs reproducible.
   */
  sampleWeight?: number;
  /** Simulated proxy hops per second before sampling kicks in. Default 5000. */
  hopBudgetPerSecond?: number;
  /**
   * Name callers without a sidecar (curl) in destination-side series from their pod, as Istio
   * does with PEER_METADATA_DISCOVERY enabled. Default false: Istio's sidecar default reports
   * them as `source_workload="unknown"`.
   */
  peerMetadataDiscovery?: boolean;
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
  /** Requests originated since start (entry requests, not hops; sampled ones count their weight). */
  requestCount(): number;
  /**
   * Streams the exposition in chunks; a /metrics handler should prefer it when present: the
   * scale scenario's exposition exceeds V8's maximum string length.
   */
  writeMetrics?(write: (chunk: string) => void): void;
  /** The exposition as lazy chunks: `Readable.from(engine.metricsChunks()).pipe(res)` yields between them. */
  metricsChunks?(): Iterable<string>;
}

/** What startTraffic returns: the engine contract plus simulator controls. */
export interface SimulatedTraffic extends TrafficEngine {
  writeMetrics(write: (chunk: string) => void): void;
  metricsChunks(): Iterable<string>;
  /** Snapshot rebuilds so far (each cluster change that matters costs one). */
  rebuildCount(): number;
  /** Current sampling weight (1 = every request simulated). */
  sampleWeight(): number;
}

/**
 * Starts the traffic model: it watches the cluster like istiod (any change to workloads,
 * services or Istio config is applied at the next tick, within `tickMs`) and simulates
 * requests in discrete ticks, recording Istio's standard metrics from both proxies.
 */
export function startTraffic(options: TrafficOptions): SimulatedTraffic {
  const tickMs = options.tickMs ?? 250;
  const metrics = new IstioMetrics({
    byteHistograms: options.byteHistograms ?? options.scenario !== 'scale',
  });
  const model =
    options.model ??
    (options.scenario === 'scale' ? scaleScenario() : withAnnotatedWorkloads(bookinfoScenario()));
  const simulator = new Simulator(
    metrics,
    model,
    createRandom(options.seed ?? 1),
    buildSnapshot(options.cluster),
    options.peerMetadataDiscovery ?? false,
  );

  let dirty = false;
  let requests = 0;
  let rebuilds = 0;
  const unsubscribe = options.cluster.subscribe((event) => {
    if (WATCHED_RESOURCES.has(event.resource)) dirty = true;
  });

  const advance = (seconds: number): number => {
    if (dirty) {
      dirty = false;
      simulator.setSnapshot(buildSnapshot(options.cluster));
      rebuilds++;
    }
    const hopsBefore = simulator.hops;
    const originated = simulator.tick(seconds) * simulator.getWeight();
    requests += originated;
    adapt(simulator.hops - hopsBefore, seconds);
    return originated;
  };

  // PERFORMANCE: a hop costs ~10-20 µs; past the budget, sample more coarsely instead of falling behind.
  const hopBudget = options.hopBudgetPerSecond ?? 5000;
  let demand = 0; // smoothed hops per second the full load would need
  const adapt = (hops: number, seconds: number): void => {
    if (options.sampleWeight !== undefined || seconds <= 0) return;
    demand =
      demand === 0
        ? (hops * simulator.getWeight()) / seconds
        : 0.9 * demand + (0.1 * hops * simulator.getWeight()) / seconds;
    let weight = 1;
    while (demand / weight > hopBudget && weight < 4096) weight *= 2;
    simulator.setWeight(weight);
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
    writeMetrics: (write) => metrics.write(write),
    metricsChunks: () => metrics.chunks(),
    rebuildCount: () => rebuilds,
    sampleWeight: () => simulator.getWeight(),
  };
}
