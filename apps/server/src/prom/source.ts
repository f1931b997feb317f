import type { Telemetry } from '../mesh/types';

export interface TelemetryRequest {
  namespaces: string[];
  windowSeconds: number;
  /** The graph answers from configuration alone when telemetry takes longer than this. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Evaluation time (Unix seconds); now when absent. Tests pin it to compare two readings of the same data. */
  time?: number;
}

export interface TelemetryResult {
  telemetry: Telemetry;
  /** Queries this request cost (PromQL queries for Prometheus, 0 for the simulator). */
  queries: number;
}

/** Where graph traffic comes from: Prometheus, or the simulator's counters in `sextant demo`. */
export interface TelemetrySource {
  readonly kind: 'prometheus' | 'simulator';
  /** For people: the Prometheus URL, or "simulator counters". */
  readonly description: string;
  fetch(request: TelemetryRequest): Promise<TelemetryResult>;
  stop?(): void;
}
