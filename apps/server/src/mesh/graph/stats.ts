import { classifyOutcome, hasFailureFlag } from '@sextant/shared';
import type { Bucket, RequestSample, TcpSample } from '../types';

/** What the destination's proxy saw on an edge: mTLS, and its view for the side panel. */
export interface DestinationStats {
  rps: number;
  errorRps: number;
  mtlsRps: number;
  byCode: Record<string, number>;
  byFlag: Record<string, number>;
}

/** Everything an edge (or a flow behind it) adds up. Additive, so stages can merge freely. */
export interface EdgeStats {
  rps: number;
  /** Requests that failed: 5xx, no response, a failure flag, gRPC errors (server side)… */
  serverErrorRps: number;
  /** …and 4xx (caller side); kept apart for health's separate thresholds. */
  clientErrorRps: number;
  byCode: Record<string, number>;
  byFlag: Record<string, number>;
  byGrpcStatus: Record<string, number>;
  fromSource: boolean;
  fromDestination: boolean;
  destination: DestinationStats;
  /** Cumulative response-time buckets, le → requests per second. */
  buckets: Map<number, number>;
  tcpToDestination: number;
  tcpFromDestination: number;
  /** TCP bytes the destination reported, and those over mutual TLS. */
  tcpDestinationBytes: number;
  tcpMtlsBytes: number;
}

export function emptyStats(): EdgeStats {
  return {
    rps: 0,
    serverErrorRps: 0,
    clientErrorRps: 0,
    byCode: {},
    byFlag: {},
    byGrpcStatus: {},
    fromSource: false,
    fromDestination: false,
    destination: { rps: 0, errorRps: 0, mtlsRps: 0, byCode: {}, byFlag: {} },
    buckets: new Map(),
    tcpToDestination: 0,
    tcpFromDestination: 0,
    tcpDestinationBytes: 0,
    tcpMtlsBytes: 0,
  };
}

export const addTo = (m: Record<string, number>, k: string, v: number): void => {
  m[k] = (m[k] ?? 0) + v;
};
const addAll = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, v] of Object.entries(from)) addTo(into, k, v);
};

const outcomeOf = (s: RequestSample) =>
  classifyOutcome({
    protocol: s.protocol,
    code: s.responseCode,
    flags: s.responseFlags,
    grpcStatus: s.grpcStatus,
  });

/** Counts a request sample chosen by the reporter rule (mesh/telemetry.ts). */
export function addRequest(stats: EdgeStats, s: RequestSample, share = 1): void {
  const rps = s.rps * share;
  stats.rps += rps;
  const outcome = outcomeOf(s);
  if (outcome === 'serverError') stats.serverErrorRps += rps;
  else if (outcome === 'clientError') stats.clientErrorRps += rps;
  addTo(stats.byCode, s.responseCode, rps);
  addTo(stats.byFlag, s.responseFlags, rps);
  if (s.protocol === 'grpc' && s.grpcStatus) addTo(stats.byGrpcStatus, s.grpcStatus, rps);
  if (s.reporter === 'source') stats.fromSource = true;
  else stats.fromDestination = true;
}

/** Counts a destination-reported request: its mTLS, and the destination's view. */
export function addDestinationRequest(stats: EdgeStats, s: RequestSample): void {
  const d = stats.destination;
  d.rps += s.rps;
  if (outcomeOf(s) !== 'ok') d.errorRps += s.rps;
  if (s.securityPolicy === 'mutual_tls') d.mtlsRps += s.rps;
  addTo(d.byCode, s.responseCode, s.rps);
  addTo(d.byFlag, s.responseFlags, s.rps);
}

/** Counts a chosen TCP sample: connections opened are the edge's rate, bytes both ways. */
export function addTcp(stats: EdgeStats, s: TcpSample): void {
  stats.rps += s.connectionsOpenedPerSecond;
  if (hasFailureFlag(s.responseFlags)) stats.serverErrorRps += s.connectionsOpenedPerSecond;
  addTo(stats.byFlag, s.responseFlags, s.connectionsOpenedPerSecond);
  stats.tcpToDestination += s.bytesToDestinationPerSecond;
  stats.tcpFromDestination += s.bytesFromDestinationPerSecond;
  if (s.reporter === 'source') stats.fromSource = true;
  else stats.fromDestination = true;
}

/** Counts a destination-reported TCP sample toward the mTLS share. */
export function addDestinationTcp(stats: EdgeStats, s: TcpSample): void {
  const bytes = s.bytesToDestinationPerSecond + s.bytesFromDestinationPerSecond;
  stats.tcpDestinationBytes += bytes;
  if (s.securityPolicy === 'mutual_tls') stats.tcpMtlsBytes += bytes;
}

/** Adds buckets, scaled by the share of their series that belongs here. */
export function addBuckets(stats: EdgeStats, buckets: readonly Bucket[], share = 1): void {
  for (const b of buckets) stats.buckets.set(b.le, (stats.buckets.get(b.le) ?? 0) + b.count * share);
}

/** into += from. */
export function mergeStats(into: EdgeStats, from: EdgeStats): void {
  into.rps += from.rps;
  into.serverErrorRps += from.serverErrorRps;
  into.clientErrorRps += from.clientErrorRps;
  addAll(into.byCode, from.byCode);
  addAll(into.byFlag, from.byFlag);
  addAll(into.byGrpcStatus, from.byGrpcStatus);
  into.fromSource ||= from.fromSource;
  into.fromDestination ||= from.fromDestination;
  const d = into.destination;
  d.rps += from.destination.rps;
  d.errorRps += from.destination.errorRps;
  d.mtlsRps += from.destination.mtlsRps;
  addAll(d.byCode, from.destination.byCode);
  addAll(d.byFlag, from.destination.byFlag);
  for (const [le, count] of from.buckets) into.buckets.set(le, (into.buckets.get(le) ?? 0) + count);
  into.tcpToDestination += from.tcpToDestination;
  into.tcpFromDestination += from.tcpFromDestination;
  into.tcpDestinationBytes += from.tcpDestinationBytes;
  into.tcpMtlsBytes += from.tcpMtlsBytes;
}

export const errorRps = (s: EdgeStats): number => s.serverErrorRps + s.clientErrorRps;
