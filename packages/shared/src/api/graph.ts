import { z } from 'zod';

export const GraphType = z.enum(['app', 'versionedApp', 'workload', 'service']);
export type GraphType = z.infer<typeof GraphType>;

export const NodeType = z.enum(['app', 'service', 'workload', 'unknown', 'external']);
export type NodeType = z.infer<typeof NodeType>;

export const Health = z.enum(['healthy', 'degraded', 'failure', 'na']);
export type Health = z.infer<typeof Health>;

export const Protocol = z.enum(['http', 'grpc', 'tcp']);
export type Protocol = z.infer<typeof Protocol>;

/**
 * Config-derived markers drawn on a node. `VS` virtual service, `TS` traffic shift (weighted
 * routes), `FI` fault injection, `TO` timeout/retries, `MI` mirror, `CB` circuit breaker,
 * `GW` gateway, `MS` missing sidecar, `ERR` config with validation errors.
 */
export const Badge = z.enum(['VS', 'TS', 'FI', 'TO', 'MI', 'CB', 'GW', 'MS', 'ERR']);
export type Badge = z.infer<typeof Badge>;

/** A reference to an Istio object that applies to a node (for links in the side panel). */
export const ConfigRef = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
});
export type ConfigRef = z.infer<typeof ConfigRef>;

export const GraphNode = z.object({
  id: z.string(),
  nodeType: NodeType,
  namespace: z.string(),
  app: z.string().optional(),
  version: z.string().optional(),
  workload: z.string().optional(),
  service: z.string().optional(),
  /** Id of the compound (box) node this node is drawn inside: versions are boxed by app. */
  parent: z.string().optional(),
  hasSidecar: z.boolean(),
  health: Health,
  badges: z.array(Badge),
  /** True when the node exists in config but carried no traffic in the window. */
  isIdle: z.boolean().optional(),
  /** True for compound "box" nodes (an app grouping its versions). */
  isBox: z.boolean().optional(),
  /** Istio objects that apply to this node. */
  config: z.array(ConfigRef).optional(),
  /** Inbound traffic totals, for the side panel and health. */
  traffic: z
    .object({
      rpsIn: z.number(),
      rpsOut: z.number(),
      errorRateIn: z.number(),
      /** Requests per second by response code (`200`, `503`, …) and by Envoy flag (`-`, `UT`, …). */
      byCode: z.record(z.string(), z.number()),
      byFlag: z.record(z.string(), z.number()),
    })
    .optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const ResponseTime = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});
export type ResponseTime = z.infer<typeof ResponseTime>;

export const GraphEdge = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  protocol: Protocol,
  /** Requests per second (for TCP: connections opened per second). */
  rps: z.number(),
  /**
   * Share of requests that failed, 0..1: 5xx, 4xx, no response (code 0), a failure flag
   * (`UF`, `URX`, `UC`, `UO`, `DC`, …, see RESPONSE_FLAGS) and gRPC statuses other than OK.
   */
  errorRate: z.number(),
  /**
   * This edge's share of what its source sends with the same protocol, 0..100: an HTTP edge's
   * share of the source's HTTP requests, gRPC of its gRPC requests, TCP of its TCP bytes.
   */
  percentOfSource: z.number(),
  /** Share of requests carried over mutual TLS, 0..100, as the destination's proxy saw them. */
  mtlsPercent: z.number(),
  responseTimeMs: ResponseTime,
  /** TCP only: bytes per second, both directions. */
  tcpBytesPerSecond: z.number().optional(),
  /** TCP only: bytes per second from the source to the destination (the request direction). */
  tcpBytesSentPerSecond: z.number().optional(),
  /** TCP only: bytes per second from the destination back to the source. */
  tcpBytesReceivedPerSecond: z.number().optional(),
  /** gRPC only: requests per second by gRPC status (`0` OK, `14` UNAVAILABLE, …). */
  byGrpcStatus: z.record(z.string(), z.number()).optional(),
  /**
   * Whose report the figures come from: the caller's proxy (`source`), the destination's
   * (`destination`, callers without a sidecar), or both on an edge that merges such callers.
   */
  reportedBy: z.enum(['source', 'destination', 'both']).optional(),
  /**
   * The destination proxy's own view of this edge, when it differs from the caller's (requests the
   * caller saw fail that the destination never saw, or answered differently).
   */
  destinationView: z
    .object({
      rps: z.number(),
      errorRate: z.number(),
      byCode: z.record(z.string(), z.number()),
      byFlag: z.record(z.string(), z.number()),
    })
    .optional(),
  /** Weight configured in a VirtualService for this service → version edge, 0..100. */
  configuredWeight: z.number().optional(),
  /**
   * Share (0..100) of the service's default-route traffic this service → version edge carries:
   * requests that match rules sent elsewhere left out. What drift compares `configuredWeight` with.
   */
  defaultRouteShare: z.number().optional(),
  /**
   * Only the service's match rules (e.g. `end-user=jason → v2`) send to this version: its
   * traffic is header-matched, shown apart from the default route's split.
   */
  matchRouted: z.boolean().optional(),
  /** Requests per second by response code, for the side panel. */
  byCode: z.record(z.string(), z.number()).optional(),
  byFlag: z.record(z.string(), z.number()).optional(),
  /** True when the edge exists only in config (a route with no observed traffic). */
  isIdle: z.boolean().optional(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphWarning = z.object({
  code: z.string(),
  message: z.string(),
});
export type GraphWarning = z.infer<typeof GraphWarning>;

export const GraphResponse = z.object({
  /** Unix seconds of the query's evaluation time. */
  timestamp: z.number(),
  /** Window in seconds. */
  duration: z.number(),
  graphType: GraphType,
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  /** Why the graph may be partial, e.g. Prometheus unreachable → configuration-only graph. */
  warnings: z.array(GraphWarning),
  /** Where the telemetry came from: a Prometheus URL, the simulator's counters, or none. */
  telemetrySource: z.enum(['prometheus', 'simulator', 'none']).optional(),
});
export type GraphResponse = z.infer<typeof GraphResponse>;

/** Query string of `GET /api/graph`. */
export const GraphQuery = z.object({
  namespaces: z
    .string()
    .min(1, 'namespaces: give at least one namespace, e.g. ?namespaces=bookinfo')
    .transform((s) =>
      s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  graphType: GraphType.default('versionedApp'),
  duration: z
    .string()
    .regex(/^\d+[smh]$/, 'duration: use a number followed by s, m or h, e.g. 60s or 5m')
    .default('60s'),
  idleNodes: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  injectServiceNodes: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type GraphQuery = z.infer<typeof GraphQuery>;
