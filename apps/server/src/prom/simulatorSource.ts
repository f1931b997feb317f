import type { Telemetry } from '../mesh/types';
import { latencyFromBuckets, requestSample, tcpSamples } from './labels';
import type { TelemetryRequest, TelemetryResult, TelemetrySource } from './source';

/** What the simulator's traffic engine exposes (structurally `TrafficEngine` of @sextant/mesh-sim). */
export interface CounterReader {
  collect(): { name: string; labels: Record<string, string>; value: number }[];
}

interface Snapshot {
  at: number;
  values: Map<string, { name: string; labels: Record<string, string>; value: number }>;
}

const seriesKey = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}}`;

/**
 * Telemetry straight from the simulator's counters, for `sextant demo` without a Prometheus
 * binary: keeps periodic snapshots and computes rates and quantiles over the window itself,
 * the way Prometheus's `rate` and `histogram_quantile` would.
 */
export class SimulatorSource implements TelemetrySource {
  readonly kind = 'simulator' as const;
  readonly description = 'simulator counters (no Prometheus)';
  private readonly snapshots: Snapshot[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly reader: CounterReader,
    private readonly options: { intervalMs?: number; retainMs?: number; now?: () => number } = {},
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** Records the counters now; also called by tests to control time. */
  take(): void {
    const values: Snapshot['values'] = new Map();
    for (const s of this.reader.collect()) values.set(seriesKey(s.name, s.labels), s);
    this.snapshots.push({ at: this.now(), values });
    const retain = this.options.retainMs ?? 15 * 60_000;
    const oldest = this.now() - retain;
    while (this.snapshots.length > 2 && (this.snapshots[0]?.at ?? Infinity) < oldest) this.snapshots.shift();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async fetch(request: TelemetryRequest): Promise<TelemetryResult> {
    const nowAt = this.now();
    const current: Snapshot = { at: nowAt, values: new Map() };
    for (const s of this.reader.collect()) current.values.set(seriesKey(s.name, s.labels), s);
    const from = nowAt - request.windowSeconds * 1000;
    // The oldest snapshot inside the window, or the oldest we have while the window fills up.
    const base =
      this.snapshots.find((s) => s.at >= from && s.at < nowAt) ?? this.snapshots.find((s) => s.at < nowAt);
    if (!base || nowAt - base.at < 1000)
      return { queries: 0, telemetry: { requests: [], latencies: [], tcp: [] } };
    return { queries: 0, telemetry: ratesToTelemetry(base, current) };
  }
}

function ratesToTelemetry(base: Snapshot, current: Snapshot): Telemetry {
  const seconds = (current.at - base.at) / 1000;
  const telemetry: Telemetry = { requests: [], latencies: [], tcp: [] };
  const bucketRows: { labels: Record<string, string>; value: number }[] = [];
  const tcpRows: { labels: Record<string, string>; direction: string; value: number }[] = [];
  for (const [key, s] of current.values) {
    const before = base.values.get(key)?.value ?? 0;
    // A counter that went down was reset: count from zero, as rate() does.
    const rate = (s.value >= before ? s.value - before : s.value) / seconds;
    switch (s.name) {
      case 'istio_requests_total':
        if (rate > 0) telemetry.requests.push(requestSample(s.labels, rate));
        break;
      case 'istio_request_duration_milliseconds_bucket':
        bucketRows.push({ labels: s.labels, value: rate });
        break;
      case 'istio_tcp_sent_bytes_total':
        if (rate > 0) tcpRows.push({ labels: s.labels, direction: 'sent', value: rate });
        break;
      case 'istio_tcp_received_bytes_total':
        if (rate > 0) tcpRows.push({ labels: s.labels, direction: 'received', value: rate });
        break;
      case 'istio_tcp_connections_opened_total':
        if (rate > 0) tcpRows.push({ labels: s.labels, direction: 'opened', value: rate });
        break;
      default:
        break;
    }
  }
  telemetry.latencies = latencyFromBuckets(bucketRows);
  telemetry.tcp = tcpSamples(tcpRows);
  return telemetry;
}
