import { z } from 'zod';
import type { TrafficPolicy } from '../istio/destinationRule';
import { checkDuration, checkPercent, type PolicyIssue } from './routePolicy';
import { INT32_MAX, ResourceVersion, strictObject, UINT32_MAX } from './strictFields';

export const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;
export const LOAD_BALANCERS = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'] as const;

/**
 * The DestinationRule traffic policy of a service in the form's terms: TLS mode, load balancer,
 * connection pool and outlier detection (circuit breaking). An absent field is removed.
 */
export const DestinationPolicy = strictObject({
  tlsMode: z.enum(TLS_MODES).optional(),
  loadBalancer: z.enum(LOAD_BALANCERS).optional(),
  connectionPool: strictObject({
    maxConnections: z.number().optional(),
    http1MaxPendingRequests: z.number().optional(),
    maxRequestsPerConnection: z.number().optional(),
  }).optional(),
  outlierDetection: strictObject({
    consecutive5xxErrors: z.number(),
    interval: z.string().max(32).optional(),
    baseEjectionTime: z.string().max(32).optional(),
    maxEjectionPercent: z.number().optional(),
  }).optional(),
});
export type DestinationPolicy = z.infer<typeof DestinationPolicy>;

/** `POST /api/namespaces/:ns/services/:svc/destination-policy` body; the resourceVersion is the DestinationRule's. */
export const DestinationPolicyRequest = strictObject({
  policy: DestinationPolicy,
  resourceVersion: ResourceVersion.optional(),
});
export type DestinationPolicyRequest = z.infer<typeof DestinationPolicyRequest>;

/** A whole number from 1 to `max`, the largest the Istio field's protobuf type holds. */
function checkCount(issues: PolicyIssue[], field: string, v: number | undefined, max = INT32_MAX): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 1 || v > max)
    issues.push({ field, message: `${field}: a whole number from 1 to ${max}, got ${String(v)}.` });
}

export function validateDestinationPolicy(p: DestinationPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  checkCount(issues, 'connectionPool.maxConnections', p.connectionPool?.maxConnections);
  checkCount(issues, 'connectionPool.http1MaxPendingRequests', p.connectionPool?.http1MaxPendingRequests);
  checkCount(issues, 'connectionPool.maxRequestsPerConnection', p.connectionPool?.maxRequestsPerConnection);
  if (p.outlierDetection) {
    // A UInt32Value in Istio's API, the other counts are int32.
    checkCount(
      issues,
      'outlierDetection.consecutive5xxErrors',
      p.outlierDetection.consecutive5xxErrors,
      UINT32_MAX,
    );
    checkDuration(issues, 'outlierDetection.interval', p.outlierDetection.interval);
    checkDuration(issues, 'outlierDetection.baseEjectionTime', p.outlierDetection.baseEjectionTime);
    if (p.outlierDetection.maxEjectionPercent !== undefined) {
      checkPercent(issues, 'outlierDetection.maxEjectionPercent', p.outlierDetection.maxEjectionPercent);
    }
  }
  return issues;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The `trafficPolicy` fields for a policy; undefined values mean "remove". */
export function toTrafficPolicy(p: DestinationPolicy): Record<string, unknown> {
  const pool = p.connectionPool;
  const tcp = defined({ maxConnections: pool?.maxConnections });
  const http = defined({
    http1MaxPendingRequests: pool?.http1MaxPendingRequests,
    maxRequestsPerConnection: pool?.maxRequestsPerConnection,
  });
  const connectionPool = defined({
    tcp: Object.keys(tcp).length > 0 ? tcp : undefined,
    http: Object.keys(http).length > 0 ? http : undefined,
  });
  return {
    tls: p.tlsMode ? { mode: p.tlsMode } : undefined,
    loadBalancer: p.loadBalancer ? { simple: p.loadBalancer } : undefined,
    connectionPool: Object.keys(connectionPool).length > 0 ? connectionPool : undefined,
    outlierDetection: p.outlierDetection ? defined(p.outlierDetection) : undefined,
  };
}

const isOneOf = <T extends string>(list: readonly T[], v: string | undefined): v is T =>
  v !== undefined && (list as readonly string[]).includes(v);

/** The policy a DestinationRule's `trafficPolicy` carries now (none when it has none). */
export function fromTrafficPolicy(tp: TrafficPolicy | undefined): DestinationPolicy {
  if (!tp) return {};
  const out: DestinationPolicy = {};
  const mode = tp.tls?.mode;
  if (isOneOf(TLS_MODES, mode)) out.tlsMode = mode;
  const lb = tp.loadBalancer?.simple;
  if (isOneOf(LOAD_BALANCERS, lb)) out.loadBalancer = lb;
  if (tp.connectionPool) {
    const { tcp, http } = tp.connectionPool;
    const pool = defined({
      maxConnections: tcp?.maxConnections,
      http1MaxPendingRequests: http?.http1MaxPendingRequests,
      maxRequestsPerConnection: http?.maxRequestsPerConnection,
    });
    if (Object.keys(pool).length > 0) out.connectionPool = pool;
  }
  const od = tp.outlierDetection;
  if (od?.consecutive5xxErrors !== undefined) {
    out.outlierDetection = {
      consecutive5xxErrors: od.consecutive5xxErrors,
      ...defined({
        interval: od.interval,
        baseEjectionTime: od.baseEjectionTime,
        maxEjectionPercent: od.maxEjectionPercent,
      }),
    };
  }
  return out;
}
