import type { MeshSnapshot, ServiceInfo } from './mesh';
import { findDestinationRule } from './routing';

/**
 * Envoy's circuit breaker as a DestinationRule's `connectionPool` sets it. Each client proxy
 * keeps its own counters per upstream cluster, and a request that finds the cluster full is
 * answered 503 `UO` by the caller's proxy without reaching any pod (and never retried).
 *
 * The simulator has no real concurrency (a tick runs its requests one after the other), so the
 * share that overflows is the blocking probability of a queue with the same limits: requests
 * arrive at the rate this proxy sends to the cluster and hold a slot for the time an attempt
 * takes (Little's law gives the offered load).
 */

export interface PoolLimits {
  /** Requests served at once: `tcp.maxConnections` for HTTP/1.1 (one request per connection), `http.http2MaxRequests` caps both. */
  concurrent: number;
  /** Requests allowed to wait for a connection: `http.http1MaxPendingRequests` (HTTP/1.1 only). */
  pending: number;
}

/** Envoy's defaults are effectively unlimited (2^32 - 1). */
const UNLIMITED = 4_294_967_295;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? Math.floor(value) : undefined;
}

/**
 * The connectionPool that applies to a hop: a subset's traffic policy replaces the top-level
 * connectionPool, a port-level setting replaces both (Istio merges per field group).
 */
export function connectionPoolLimits(
  snapshot: MeshSnapshot,
  service: ServiceInfo,
  callerNamespace: string,
  subset: string | undefined,
  port: number | undefined,
  protocol: 'http' | 'grpc',
): PoolLimits | undefined {
  const dr = findDestinationRule(snapshot, service, callerNamespace);
  if (!dr) return undefined;
  const spec = record(dr.spec);
  const policies: Record<string, unknown>[] = [];
  if (subset !== undefined) {
    const found = (Array.isArray(spec.subsets) ? spec.subsets : [])
      .map(record)
      .find((s) => s.name === subset);
    if (found) policies.push(record(found.trafficPolicy));
  }
  policies.push(record(spec.trafficPolicy));
  let pool: Record<string, unknown> | undefined;
  for (const policy of policies) {
    const portLevel = (Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [])
      .map(record)
      .find((s) => record(s.port).number === port);
    const candidate = portLevel?.connectionPool ?? policy.connectionPool;
    if (candidate !== undefined) {
      pool = record(candidate);
      break;
    }
  }
  if (!pool) return undefined;
  const tcp = record(pool.tcp);
  const http = record(pool.http);
  const maxConnections = positive(tcp.maxConnections) ?? UNLIMITED;
  const maxRequests = positive(http.http2MaxRequests) ?? UNLIMITED;
  const maxPending = positive(http.http1MaxPendingRequests) ?? UNLIMITED;
  // HTTP/2 (gRPC) multiplexes every request on few connections: only maxRequests bounds it.
  const concurrent = protocol === 'grpc' ? maxRequests : Math.min(maxConnections, maxRequests);
  const pending = protocol === 'grpc' ? 0 : maxPending;
  if (concurrent >= UNLIMITED && pending >= UNLIMITED) return undefined;
  return { concurrent, pending };
}

/**
 * Share of arrivals turned away by a queue with `concurrent` servers and `pending` waiting
 * places under `offered` Erlangs of load (M/M/c/c+q blocking probability).
 */
export function overflowProbability(offered: number, limits: PoolLimits): number {
  if (!(offered > 0)) return 0;
  const capacity = limits.concurrent + limits.pending;
  // Far from the limits the probability underflows to zero anyway; skip the long sum.
  if (capacity > 5000 || offered < limits.concurrent / 50) return 0;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= capacity; n++) {
    term *= offered / Math.min(n, limits.concurrent);
    sum += term;
    if (sum > 1e200) {
      term /= sum;
      sum = 1;
    }
  }
  return term / sum;
}

interface Load {
  arrivals: number;
  rate: number;
  holdMs: number;
  seen: boolean;
}

/** Per (client proxy, cluster): smoothed request rate and attempt duration. */
export class LoadTracker {
  private readonly loads = new Map<string, Load>();

  private get(key: string): Load {
    let load = this.loads.get(key);
    if (!load) {
      if (this.loads.size > 100_000) this.loads.clear();
      load = { arrivals: 0, rate: 0, holdMs: 0, seen: false };
      this.loads.set(key, load);
    }
    return load;
  }

  arrive(key: string, count: number): void {
    this.get(key).arrivals += count;
  }

  /** How long the last attempt held its slot. */
  hold(key: string, durationMs: number): void {
    const load = this.get(key);
    load.holdMs = load.holdMs === 0 ? durationMs : 0.9 * load.holdMs + 0.1 * durationMs;
  }

  /** Offered load in Erlangs (concurrent requests the proxy would need). */
  offered(key: string): number {
    const load = this.loads.get(key);
    return load ? (load.rate * load.holdMs) / 1000 : 0;
  }

  /** Closes a tick of `seconds`: folds its arrivals into the smoothed rate. */
  endTick(seconds: number): void {
    if (seconds <= 0) return;
    for (const load of this.loads.values()) {
      const rate = load.arrivals / seconds;
      load.rate = load.seen ? 0.8 * load.rate + 0.2 * rate : rate;
      load.seen = true;
      load.arrivals = 0;
    }
  }
}
