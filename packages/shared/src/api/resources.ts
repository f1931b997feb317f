import { z } from 'zod';
import { Badge, ConfigRef } from './graph';
import { Validation } from './validation';

/** `GET /api/namespaces` */
export const NamespaceSummary = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Sidecar injection is on (istio-injection=enabled or an istio.io/rev label). */
  istioInjection: z.boolean(),
});
export type NamespaceSummary = z.infer<typeof NamespaceSummary>;
export const NamespaceList = z.object({ namespaces: z.array(NamespaceSummary) });
export type NamespaceList = z.infer<typeof NamespaceList>;

export const ServicePortInfo = z.object({
  name: z.string().optional(),
  port: z.number(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
});

/** A finding shown on a service or workload: its own (no `object`), or one of an Istio object that applies to it. */
export const ConfigFinding = Validation.extend({ object: ConfigRef.optional() });
export type ConfigFinding = z.infer<typeof ConfigFinding>;

/** `GET /api/services?namespace=` items. */
export const ServiceSummary = z.object({
  name: z.string(),
  namespace: z.string(),
  labels: z.record(z.string(), z.string()),
  selector: z.record(z.string(), z.string()).optional(),
  ports: z.array(ServicePortInfo),
  /** Workloads (Deployments) behind the service's selector. */
  workloads: z.array(z.string()),
  /** Every workload behind it runs a sidecar. */
  hasSidecar: z.boolean(),
  /** VirtualServices, DestinationRules and ServiceEntries that apply. */
  istioConfig: z.array(ConfigRef),
  badges: z.array(Badge),
  /** Subsets from the DestinationRules, with their labels, for the traffic-shifting form. */
  subsets: z.array(
    z.object({ name: z.string(), labels: z.record(z.string(), z.string()), destinationRule: z.string() }),
  ),
  /** Findings of the Istio objects that apply (see ConfigFinding). */
  validations: z.array(ConfigFinding).optional(),
});
export type ServiceSummary = z.infer<typeof ServiceSummary>;
export const ServiceList = z.object({ services: z.array(ServiceSummary) });
export type ServiceList = z.infer<typeof ServiceList>;
/** `GET /api/services/:ns/:name`: the summary plus the Service object as stored. */
export const ServiceDetail = ServiceSummary.extend({ object: z.record(z.string(), z.unknown()) });
export type ServiceDetail = z.infer<typeof ServiceDetail>;

/** `GET /api/workloads?namespace=` items. */
export const WorkloadSummary = z.object({
  name: z.string(),
  namespace: z.string(),
  kind: z.string(),
  labels: z.record(z.string(), z.string()),
  app: z.string().optional(),
  version: z.string().optional(),
  hasSidecar: z.boolean(),
  replicas: z.number(),
  availableReplicas: z.number(),
  pods: z.array(z.string()),
  /** Services whose selector picks this workload's pods. */
  services: z.array(z.string()),
  /** Gateways, PeerAuthentications, AuthorizationPolicies, Sidecars that apply. */
  istioConfig: z.array(ConfigRef),
  /** The workload's own findings (SX5xxx) and those of the Istio objects that apply. */
  validations: z.array(ConfigFinding).optional(),
});
export type WorkloadSummary = z.infer<typeof WorkloadSummary>;
export const WorkloadList = z.object({ workloads: z.array(WorkloadSummary) });
export type WorkloadList = z.infer<typeof WorkloadList>;
export const WorkloadDetail = WorkloadSummary.extend({
  object: z.record(z.string(), z.unknown()).optional(),
});
export type WorkloadDetail = z.infer<typeof WorkloadDetail>;

/** An Istio object as stored (unknown fields kept) with what `mesh/validations` found. */
export const IstioObjectWithValidations = z.object({
  resource: z.string(),
  object: z.looseObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.looseObject({
      name: z.string(),
      namespace: z.string().optional(),
      resourceVersion: z.string().optional(),
    }),
  }),
  validations: z.array(Validation),
});
export type IstioObjectWithValidations = z.infer<typeof IstioObjectWithValidations>;
/** `GET /api/istio?namespace=` */
export const IstioList = z.object({ items: z.array(IstioObjectWithValidations) });
export type IstioList = z.infer<typeof IstioList>;

/** Body of PUT/POST `/api/istio/...`: a Kubernetes object; PUT needs `metadata.resourceVersion`. */
export const IstioObjectBody = z.looseObject({
  apiVersion: z.string().min(1, 'apiVersion: required, e.g. networking.istio.io/v1'),
  kind: z.string().min(1, 'kind: required, e.g. VirtualService'),
  metadata: z.looseObject({
    name: z.string().min(1, 'metadata.name: required'),
    namespace: z.string().optional(),
    resourceVersion: z.string().optional(),
  }),
  spec: z.record(z.string(), z.unknown()).optional(),
});
export type IstioObjectBody = z.infer<typeof IstioObjectBody>;

/** `--auth`: how people sign in. */
export const AuthStrategy = z.enum(['anonymous', 'token', 'openid', 'header']);
export type AuthStrategy = z.infer<typeof AuthStrategy>;

/** `GET /api/auth/info` */
export const AuthInfo = z.object({
  strategy: AuthStrategy,
  /** False when this strategy needs a sign-in and there is none; user and groups are then empty. */
  authenticated: z.boolean(),
  /** The name the API server knows the person by (SelfSubjectReview). */
  user: z.string(),
  groups: z.array(z.string()),
  /** Milliseconds since the epoch when the session ends, when known. */
  expiresAt: z.number().optional(),
  /** The server was started with --read-only: every write answers 403. */
  readOnly: z.boolean(),
  /** Per namespace: may this user edit Istio config there (SelfSubjectAccessReview), and why not. */
  permissions: z.record(z.string(), z.object({ canEdit: z.boolean(), reason: z.string().optional() })),
});
export type AuthInfo = z.infer<typeof AuthInfo>;

/** `POST /api/auth/login` (token strategy): a Kubernetes bearer token, checked with the API server. */
export const LoginRequest = z.strictObject({
  token: z
    .string()
    .trim()
    .min(1, 'token: paste a Kubernetes bearer token')
    .max(16_384, 'token: longer than any Kubernetes token (16 KiB)')
    .regex(/^[\x21-\x7e]+$/, 'token: a bearer token has no spaces or control characters'),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Answer to `POST /api/auth/login`: who the token belongs to and when the session ends. */
export const LoginResponse = z.object({
  user: z.string(),
  groups: z.array(z.string()),
  expiresAt: z.number(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** One Server-Sent Event of `GET /api/events` (event name `change`). */
export const ChangeEvent = z.object({
  type: z.enum(['ADDED', 'MODIFIED', 'DELETED']),
  kind: z.string(),
  resource: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  resourceVersion: z.string().optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/** One informer of the server's cache. Times are ISO 8601. */
export const InformerState = z.object({
  resource: z.string(),
  /** True while its list and watch are current; false before the first list and while failing. */
  synced: z.boolean(),
  state: z.enum(['syncing', 'synced', 'failing']),
  lastSyncAt: z.string().optional(),
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  /** When the current run of failures began; absent while healthy. */
  failingSince: z.string().optional(),
});
export type InformerState = z.infer<typeof InformerState>;

/** The Prometheus client: its circuit breaker and the shared-query cache. Times are ISO 8601. */
export const PrometheusState = z.object({
  url: z.string(),
  /** closed: queries go out; open: they fail at once while a background probe checks Prometheus. */
  breaker: z.enum(['closed', 'open', 'half_open']),
  consecutiveFailures: z.number(),
  lastSuccessAt: z.string().optional(),
  failingSince: z.string().optional(),
  openedAt: z.string().optional(),
  lastError: z
    .object({
      /** down: not answering; slow: no answer within the timeout; error: answered with a failure. */
      kind: z.enum(['down', 'slow', 'error']),
      message: z.string(),
      reason: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  /** PromQL queries sent (shared ones once); probes counted apart. */
  queriesSent: z.number(),
  probesSent: z.number(),
});
export type PrometheusState = z.infer<typeof PrometheusState>;

/**
 * Identical PromQL of one refresh bucket is sent once (and a graph's whole telemetry is shared
 * between users of the same namespaces); counted in queries: answered from a kept answer (hits),
 * by joining one in flight, or sent (misses).
 */
export const QueryCacheState = z.object({
  enabled: z.boolean(),
  /** Width of the evaluation-time bucket callers share, in seconds. */
  bucketSeconds: z.number(),
  hits: z.number(),
  misses: z.number(),
  inFlightJoins: z.number(),
  /** (hits + inFlightJoins) / lookups, 0..1. */
  hitRate: z.number(),
  entries: z.number(),
});
export type QueryCacheState = z.infer<typeof QueryCacheState>;

/** `GET /api/status` */
export const ServerStatus = z.object({
  telemetrySource: z.enum(['prometheus', 'simulator', 'none']),
  /** The Prometheus URL, or a description of the simulator source. */
  telemetry: z.string(),
  cacheSynced: z.boolean(),
  /** What `/readyz` answers, with the reason when not ready. */
  ready: z.boolean(),
  notReadyReason: z.string().optional(),
  readOnly: z.boolean(),
  informers: z.array(InformerState),
  /** PromQL queries sent since start. */
  promQueries: z.number(),
  /** Present when telemetry comes from Prometheus. */
  prometheus: PrometheusState.optional(),
  queryCache: QueryCacheState.optional(),
  /** The server's clock (ISO 8601), so a browser can tell the age of what it shows. */
  now: z.string(),
});
export type ServerStatus = z.infer<typeof ServerStatus>;
