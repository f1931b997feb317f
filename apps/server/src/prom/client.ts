/**
 * A small client for the Prometheus HTTP API (instant queries only). Standard API, so Thanos,
 * Mimir and VictoriaMetrics answer it too.
 */

export interface PromClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  timeoutMs?: number;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

export type PrometheusErrorKind = 'unreachable' | 'timeout' | 'http' | 'query' | 'bad_response';

/** A failed query, with a message that says what to check. */
export class PrometheusError extends Error {
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly status?: number,
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
  /** Queries sent since start, for the bench and /api/status. */
  queriesIssued = 0;

  constructor(options: PromClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.headers = { ...options.headers };
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    else if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      this.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
  }

  /** Runs an instant query and returns its vector. Rejects with a PrometheusError. */
  async query(
    promql: string,
    options: { time?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<VectorSample[]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const body = new URLSearchParams({
      query: promql,
      timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    });
    if (options.time !== undefined) body.set('time', String(options.time));
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    this.queriesIssued += 1;
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
      if (timeout.aborted) {
        throw new PrometheusError(
          'timeout',
          `Prometheus at ${this.url} did not answer within ${timeoutMs} ms.`,
        );
      }
      const cause =
        err instanceof Error && isRecord(err.cause) && typeof err.cause.code === 'string'
          ? ` (${err.cause.code})`
          : '';
      throw new PrometheusError(
        'unreachable',
        `Cannot reach Prometheus at ${this.url}${cause}: check --prometheus-url and that Prometheus is running.`,
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
