/** @sextant/mesh-sim: a simulated Kubernetes + Istio cluster with real protocols. */
export type {
  ClusterEvent,
  ClusterStore,
  ClusterView,
  GroupResource,
  KubeObject,
  ObjectMeta,
} from './cluster/types';
export { editState, startMeshSim, parsePodEndpoint } from './sim';
export { createClusterStore, istioCrds } from './kube/bootstrap';
export type { MeshSim, MeshSimOptions } from './sim';
export { KubeStore } from './kube/store';
export { StatusError } from './kube/status';
export type { StatusBody } from './kube/status';
export { startApiServer } from './kube/server';
export type { ApiServer, ApiServerOptions } from './kube/server';
export { ADMIN_CONTEXT, BOOKINFO_EDITOR_CONTEXT, VIEWER_CONTEXT } from './tls/kubeconfig';
export type { Tokens } from './kube/auth';
export type { UserInfo } from './kube/rbac';
export type { OidcOptions } from './kube/oidc';
export { generateCertificates } from './tls/certificates';
export type { Certificates } from './tls/certificates';
export { startPrometheus } from './prometheus';
export type { TrafficEngine, MetricSample } from './traffic';
