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

/** `GET /api/auth/info` */
export const AuthInfo = z.object({
  strategy: z.enum(['anonymous', 'token']),
  user: z.string(),
  /** The server was started with --read-only: every write answers 403. */
  readOnly: z.boolean(),
  /** Per namespace: may this user edit Istio config there (SelfSubjectAccessReview), and why not. */
  permissions: z.record(z.string(), z.object({ canEdit: z.boolean(), reason: z.string().optional() })),
});
export type AuthInfo = z.infer<typeof AuthInfo>;

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

/** `GET /api/status` */
export const ServerStatus = z.object({
  telemetrySource: z.enum(['prometheus', 'simulator', 'none']),
  /** The Prometheus URL, or a description of the simulator source. */
  telemetry: z.string(),
  cacheSynced: z.boolean(),
  readOnly: z.boolean(),
  informers: z.array(
    z.object({ resource: z.string(), synced: z.boolean(), lastError: z.string().optional() }),
  ),
  /** PromQL queries sent since start. */
  promQueries: z.number(),
});
export type ServerStatus = z.infer<typeof ServerStatus>;
