import { CircuitBreaker, CircuitOpenError, reasonOfCode } from './circuitBreaker';
import type { BreakerFailure, BreakerSnapshot, BreakerState } from './circuitBreaker';
import { SharedQueries } from './sharedQueries';
import type { SharedQueryStats } from './sharedQueries';

/**
 * A small client for the Prometheus HTTP API (instant queries only). Standard API, so Thanos,
 * Mimir and VictoriaMetrics answer it too. Every query goes through a circuit breaker (fail fast
 * while Prometheus is down or slow) and, unless turned off, through SharedQueries (identical
 * queries of the same refresh bucket are sent once).
 */

/** Default longest wait for one query: a slow Prometheus must not hold a graph for long. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 1_500;

export interface PromClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  timeoutMs?: number;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
  /** Share identical queries between callers (default true; the bench turns it off to compare). */
  coalesce?: boolean;
  /** Evaluation times are rounded down to this (default 5 s) so callers in one bucket share. */
  shareBucketMs?: number;
  /** Consecutive failures or timeouts that open the circuit (default 3: one graph's queries). */
  failureThreshold?: number;
  /** How often the open circuit probes Prometheus (default 2 s). */
  probeIntervalMs?: number;
  /** Told when the circuit opens, probes or closes (for the log). */
  onBreakerChange?: (state: BreakerState, reason: string | undefined) => void;
}

/** What `/api/status` reports about Prometheus. */
export interface PromClientStatus {
  url: string;
  queriesSent: number;
  probesSent: number;
  breaker: BreakerSnapshot;
  coalescing: boolean;
  /** Width of the shared evaluation-time bucket. */
  shareBucketMs: number;
  sharing: SharedQueryStats;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

export type PrometheusErrorKind =
  'unreachable' | 'timeout' | 'http' | 'query' | 'bad_response' | 'circuit_open';

/** A failed query, with a message that says what to check. */
export class PrometheusError extends Error {
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly status?: number,
    /** A few words for banners, e.g. "connection refused". */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export class PromClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  /** Queries sent to Prometheus since start (shared ones once), for the bench and /api/status. */
  queriesIssued = 0;
  probesSent = 0;
  private readonly breaker: CircuitBreaker;
  private readonly shared?: SharedQueries<VectorSample[]>;
  private readonly sharedAbove = { hits: 0, inFlightJoins: 0 };

  constructor(options: PromClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;
    this.headers = { ...options.headers };
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    else if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      this.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    if (options.coalesce ?? true) this.shared = new SharedQueries(options.shareBucketMs ?? 5_000);
    this.breaker = new CircuitBreaker({
      failureThreshold: options.failureThreshold,
      probeIntervalMs: options.probeIntervalMs,
      classify: classifyFailure,
      onStateChange: (state, snapshot) => options.onBreakerChange?.(state, snapshot.lastFailure?.message),
      // The query API, not /-/ready: Thanos, Mimir and VictoriaMetrics answer it too.
      probe: async () => {
        this.probesSent += 1;
        await this.send('vector(1)', undefined, this.timeoutMs);
      },
    });
  }

  /**
   * Runs an instant query and returns its vector. Rejects with a PrometheusError (kind
   * `circuit_open` at once while the breaker is open).
   */
  async query(
    promql: string,
    options: { time?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<VectorSample[]> {
    try {
      this.breaker.check();
    } catch (err) {
      if (err instanceof CircuitOpenError) throw new PrometheusError('circuit_open', err.message);
      throw err;
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const send = (time: number | undefined) => () =>
      this.breaker.run(() => this.send(promql, time, timeoutMs), countsAgainstPrometheus);
    if (!this.shared) return abortable(send(options.time)(), options.signal);
    const time = options.time ?? this.shared.evaluationTime();
    return this.shared.get(promql, time, send(time), options.signal);
  }

  status(): PromClientStatus {
    return {
      url: this.url,
      queriesSent: this.queriesIssued,
      probesSent: this.probesSent,
      breaker: this.breaker.snapshot(),
      coalescing: this.shared !== undefined,
      shareBucketMs: this.shared?.bucketMs ?? 0,
      sharing: this.sharing(),
    };
  }

  /**
   * Counts queries answered by sharing above this client (a whole graph's telemetry shared by
   * SharedTelemetrySource), so `sharing` tells every query saved, wherever it was saved.
   */
  noteSharedAbove(how: 'kept' | 'in_flight', queries: number): void {
    if (how === 'kept') this.sharedAbove.hits += queries;
    else this.sharedAbove.inFlightJoins += queries;
  }

  /** Stops the background probe. */
  stop(): void {
    this.breaker.stop();
  }

  /** In queries: answered from a kept answer, joined in flight, or sent (misses). */
  private sharing(): SharedQueryStats {
    const own = this.shared?.stats() ?? { hits: 0, misses: 0, inFlightJoins: 0, hitRate: 0, entries: 0 };
    const hits = own.hits + this.sharedAbove.hits;
    const inFlightJoins = own.inFlightJoins + this.sharedAbove.inFlightJoins;
    const lookups = hits + inFlightJoins + own.misses;
    return { ...own, hits, inFlightJoins, hitRate: lookups === 0 ? 0 : (hits + inFlightJoins) / lookups };
  }

  /** One POST to /api/v1/query; only the timeout stops it (shared answers outlive one caller). */
  private async send(promql: string, time: number | undefined, timeoutMs: number): Promise<VectorSample[]> {
    const body = new URLSearchParams({
      query: promql,
      timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    });
    if (time !== undefined) body.set('time', String(time));
    const signal = AbortSignal.timeout(timeoutMs);
    if (promql !== 'vector(1)') this.queriesIssued += 1;
    let response: Response;
    try {
      response = await fetch(`${this.url}/api/v1/query`, {
        method: 'POST',
        headers: {
          ...this.headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal,
      });
    } catch (err) {
      if (signal.aborted) {
        throw new PrometheusError(
          'timeout',
          `Prometheus at ${this.url} is too slow: it did not answer within ${timeoutMs} ms.`,
          undefined,
          `no answer within ${timeoutMs} ms`,
        );
      }
      const cause = err instanceof Error && isRecord(err.cause) ? err.cause : undefined;
      const reason =
        typeof cause?.code === 'string'
          ? reasonOfCode(cause.code)
          : typeof cause?.message === 'string'
            ? cause.message
            : undefined;
      throw new PrometheusError(
        'unreachable',
        `Prometheus at ${this.url} is not answering${reason ? ` (${reason})` : ''}: check --prometheus-url and that Prometheus is running.`,
        undefined,
        reason,
      );
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch {
      throw new PrometheusError(
        response.ok ? 'bad_response' : 'http',
        `Prometheus at ${this.url} answered HTTP ${response.status} without a JSON body; is this URL a Prometheus API?`,
        response.status,
      );
    }
    if (!isRecord(payload) || payload.status !== 'success') {
      const detail =
        isRecord(payload) && typeof payload.error === 'string' ? payload.error : `HTTP ${response.status}`;
      const kind = response.status === 401 || response.status === 403 ? 'http' : 'query';
      const hint = kind === 'http' ? ' Check the Prometheus credentials.' : '';
      throw new PrometheusError(kind, `Prometheus rejected the query: ${detail}.${hint}`, response.status);
    }
    const data = payload.data;
    if (!isRecord(data) || data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new PrometheusError(
        'bad_response',
        `Prometheus at ${this.url} answered an unexpected shape (expected an instant vector).`,
      );
    }
    const out: VectorSample[] = [];
    for (const item of data.result) {
      if (!isRecord(item) || !isRecord(item.metric) || !Array.isArray(item.value)) continue;
      // The API's label values are strings; no copy (PERFORMANCE: tens of thousands of series).
      out.push({ metric: item.metric as Record<string, string>, value: Number(item.value[1]) });
    }
    return out;
  }
}

/** Down, slow or failing: only these open the circuit; a rejected query or bad credentials do not. */
function countsAgainstPrometheus(err: unknown): boolean {
  if (!(err instanceof PrometheusError)) return false;
  if (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'bad_response') return true;
  return err.status !== undefined && err.status >= 500;
}

function classifyFailure(err: unknown): BreakerFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof PrometheusError)) return { kind: 'error', message };
  if (err.kind === 'unreachable') return { kind: 'down', message, reason: err.reason };
  if (err.kind === 'timeout') return { kind: 'slow', message, reason: err.reason };
  return { kind: 'error', message, reason: err.status ? `HTTP ${err.status}` : err.reason };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
}
