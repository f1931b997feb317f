import { SharedQueries } from './sharedQueries';
import type { TelemetryRequest, TelemetryResult, TelemetrySource } from './source';

/**
 * Shares a whole graph's telemetry between users asking for the same namespaces and window in
 * the same evaluation bucket (the PromQL below is shared anyway; this also shares the parsing,
 * and hands every caller the same Telemetry object, so the graph route can share what it built
 * from it). A shared answer reports 0 queries: it cost this request none.
 */
export class SharedTelemetrySource implements TelemetrySource {
  readonly kind: TelemetrySource['kind'];
  readonly description: string;
  private readonly shared: SharedQueries<TelemetryResult>;

  constructor(
    private readonly inner: TelemetrySource,
    bucketMs: number,
    /** Told how many queries a shared answer saved, so the query cache's figures count them. */
    private readonly onShared?: (how: 'kept' | 'in_flight', queries: number) => void,
  ) {
    this.kind = inner.kind;
    this.description = inner.description;
    this.shared = new SharedQueries(bucketMs);
  }

  async fetch(request: TelemetryRequest): Promise<TelemetryResult> {
    const key = `${[...request.namespaces].sort().join(',')}|${request.windowSeconds}`;
    let sent = false;
    const time = this.shared.evaluationTime();
    const how = this.shared.peek(key, time);
    const result = await this.shared.get(
      key,
      time,
      () => {
        sent = true;
        // Not the caller's signal: other callers may still want this answer.
        return this.inner.fetch({ ...request, signal: undefined });
      },
      request.signal,
    );
    if (sent) return result;
    if (how) this.onShared?.(how, result.queries);
    return { ...result, queries: 0 };
  }

  stop(): void {
    this.inner.stop?.();
  }
}
