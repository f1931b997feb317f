import type { GraphEdge, ResponseTime } from '@sextant/shared';
import { histogramQuantile } from '../../prom/histogram';
import type { WorkingEdge, WorkingGraph } from './model';
import { errorRps } from './stats';
import type { EdgeStats } from './stats';
import { round, roundAll } from './round';

/** The destination's view differs from the caller's by more than this many rps or error points. */
const VIEW_RPS_TOLERANCE = 0.02;
const VIEW_ERROR_TOLERANCE = 0.005;

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function responseTime(stats: EdgeStats): ResponseTime {
  if (stats.buckets.size === 0) return { p50: null, p95: null, p99: null };
  const buckets = [...stats.buckets.entries()].map(([le, count]) => ({ le, count }));
  const q = (x: number): number | null => {
    const v = histogramQuantile(x, buckets);
    return v === null ? null : round(v);
  };
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

/** How much of what its source sends an edge carries: HTTP and gRPC by requests, TCP by bytes. */
const volume = (e: WorkingEdge): number =>
  e.protocol === 'tcp' ? e.stats.tcpToDestination + e.stats.tcpFromDestination : e.stats.rps;

/**
 * Last step: edges into the payload's shape. `percentOfSource` is the edge's share of what its
 * source sends with the same protocol; mTLS comes from the destination's report. Requests that
 * reached no workload (edges into an unknown destination) stay out of the other edges' shares,
 * so a service's split between its versions reads the same with or without aborts (as in
 * Kiali, where they sit on the caller's edge); their own edge shows their share of everything.
 */
export function toPayloadEdges(g: WorkingGraph): GraphEdge[] {
  const totals = new Map<string, number>();
  const unrouted = new Map<string, number>();
  const isUnrouted = (e: WorkingEdge): boolean => g.nodes.get(e.target)?.nodeType === 'unknown';
  for (const e of g.edges.values()) {
    const k = `${e.source}|${e.protocol}`;
    const m = isUnrouted(e) ? unrouted : totals;
    m.set(k, (m.get(k) ?? 0) + volume(e));
  }
  const edges: GraphEdge[] = [];
  for (const e of g.edges.values()) {
    const s = e.stats;
    const tcp = e.protocol === 'tcp';
    const k = `${e.source}|${e.protocol}`;
    const total = (totals.get(k) ?? 0) + (isUnrouted(e) ? (unrouted.get(k) ?? 0) : 0);
    const errorRate = s.rps > 0 ? round(errorRps(s) / s.rps) : 0;
    const mtlsPercent = tcp
      ? s.tcpDestinationBytes > 0
        ? round((s.tcpMtlsBytes / s.tcpDestinationBytes) * 100)
        : 0
      : s.destination.rps > 0
        ? round((s.destination.mtlsRps / s.destination.rps) * 100)
        : 0;
    const edge: GraphEdge = {
      id: e.id,
      source: e.source,
      target: e.target,
      protocol: e.protocol,
      rps: round(s.rps),
      errorRate,
      percentOfSource: total > 0 ? round((volume(e) / total) * 100) : 0,
      mtlsPercent,
      responseTimeMs: tcp ? { p50: null, p95: null, p99: null } : responseTime(s),
    };
    if (tcp) {
      edge.tcpBytesPerSecond = round(s.tcpToDestination + s.tcpFromDestination);
      edge.tcpBytesSentPerSecond = round(s.tcpToDestination);
      edge.tcpBytesReceivedPerSecond = round(s.tcpFromDestination);
      if (Object.keys(s.byFlag).length > 0) edge.byFlag = roundAll(s.byFlag);
    } else {
      edge.byCode = roundAll(s.byCode);
      edge.byFlag = roundAll(s.byFlag);
      if (e.protocol === 'grpc' && Object.keys(s.byGrpcStatus).length > 0)
        edge.byGrpcStatus = roundAll(s.byGrpcStatus);
      const d = s.destination;
      const destErrorRate = d.rps > 0 ? d.errorRps / d.rps : 0;
      if (
        s.fromSource &&
        (Math.abs(d.rps - s.rps) > Math.max(VIEW_RPS_TOLERANCE * s.rps, 0.001) ||
          Math.abs(destErrorRate - errorRate) > VIEW_ERROR_TOLERANCE)
      ) {
        edge.destinationView = {
          rps: round(d.rps),
          errorRate: round(destErrorRate),
          byCode: roundAll(d.byCode),
          byFlag: roundAll(d.byFlag),
        };
      }
    }
    if (s.fromSource || s.fromDestination)
      edge.reportedBy = s.fromSource && s.fromDestination ? 'both' : s.fromSource ? 'source' : 'destination';
    if (e.configuredWeight !== undefined) edge.configuredWeight = round(e.configuredWeight);
    if (e.defaultRouteShare !== undefined) edge.defaultRouteShare = round(e.defaultRouteShare);
    if (e.matchRouted) edge.matchRouted = true;
    if (e.idle) edge.isIdle = true;
    edges.push(edge);
  }
  // PERFORMANCE: plain code-unit order; localeCompare is an order of magnitude slower.
  return edges.sort((a, b) => byId(a.id, b.id));
}

export const sortedNodes = (g: WorkingGraph) => [...g.nodes.values()].sort((a, b) => byId(a.id, b.id));
