import { LOAD_BALANCERS, TLS_MODES, type DestinationPolicy } from '@sextant/shared';

/** The destination-policy form as typed: strings, an empty one meaning "not set". */
export interface DestinationPolicyFields {
  tlsMode: string;
  loadBalancer: string;
  maxConnections: string;
  http1MaxPendingRequests: string;
  maxRequestsPerConnection: string;
  consecutive5xxErrors: string;
  interval: string;
  baseEjectionTime: string;
  maxEjectionPercent: string;
}

const num = (v: number | undefined): string => (v === undefined ? '' : String(v));
const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
/** Mistyped numbers stay NaN so the validator names the field. */
const optNum = (v: string): number | undefined => (opt(v) === undefined ? undefined : Number(v));
const oneOf = <T extends string>(values: readonly T[], v: string): T | undefined =>
  (values as readonly string[]).includes(v) ? (v as T) : undefined;

export function fieldsFromDestinationPolicy(p: DestinationPolicy): DestinationPolicyFields {
  return {
    tlsMode: p.tlsMode ?? '',
    loadBalancer: p.loadBalancer ?? '',
    maxConnections: num(p.connectionPool?.maxConnections),
    http1MaxPendingRequests: num(p.connectionPool?.http1MaxPendingRequests),
    maxRequestsPerConnection: num(p.connectionPool?.maxRequestsPerConnection),
    consecutive5xxErrors: num(p.outlierDetection?.consecutive5xxErrors),
    interval: p.outlierDetection?.interval ?? '',
    baseEjectionTime: p.outlierDetection?.baseEjectionTime ?? '',
    maxEjectionPercent: num(p.outlierDetection?.maxEjectionPercent),
  };
}

/** The policy the fields describe; outlier detection is on when the error count is filled. */
export function destinationPolicyFromFields(f: DestinationPolicyFields): DestinationPolicy {
  const p: DestinationPolicy = {};
  const tlsMode = oneOf(TLS_MODES, f.tlsMode);
  if (tlsMode) p.tlsMode = tlsMode;
  const loadBalancer = oneOf(LOAD_BALANCERS, f.loadBalancer);
  if (loadBalancer) p.loadBalancer = loadBalancer;
  const pool = Object.fromEntries(
    Object.entries({
      maxConnections: optNum(f.maxConnections),
      http1MaxPendingRequests: optNum(f.http1MaxPendingRequests),
      maxRequestsPerConnection: optNum(f.maxRequestsPerConnection),
    }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(pool).length > 0) p.connectionPool = pool;
  const errors = optNum(f.consecutive5xxErrors);
  if (errors !== undefined) {
    p.outlierDetection = { consecutive5xxErrors: errors };
    const interval = opt(f.interval);
    if (interval) p.outlierDetection.interval = interval;
    const ejection = opt(f.baseEjectionTime);
    if (ejection) p.outlierDetection.baseEjectionTime = ejection;
    const max = optNum(f.maxEjectionPercent);
    if (max !== undefined) p.outlierDetection.maxEjectionPercent = max;
  }
  return p;
}
