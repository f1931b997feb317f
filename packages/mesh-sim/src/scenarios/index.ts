/**
 * The worlds the simulator starts with. Both include `istio-system` with istiod, the ingress
 * gateway and the addons; `bookinfo` adds Istio's sample app (and, next to it, a small gRPC
 * and TCP shop in `boutique`), `scale` a generated mesh.
 */
import type { ClusterStore } from '../cluster/types';
import { loadBookinfo } from './bookinfo';
import { loadBoutique } from './boutique';
import { loadIstioSystem } from './istioSystem';
import { ensureIstioCrds } from './manifests';
import { loadScale } from './scale';

export { BOOKINFO_NAMESPACE, CURL_NAMESPACE } from './bookinfo';
export { BOUTIQUE_NAMESPACE, boutiqueObjects } from './boutique';
export { ISTIO_SYSTEM } from './istioSystem';
export {
  CALLS_ANNOTATION,
  RPS_ANNOTATION,
  planScaleMesh,
  type DatabasePlan,
  type NamespacePlan,
  type ServicePlan,
} from './scale';
export { FIXTURES_DIR } from './manifests';

export interface ScenarioOptions {
  scenario: 'bookinfo' | 'scale';
  /** scale only: number of namespaces `scale-0..N-1` */
  namespaces?: number;
  /** scale only: services per namespace */
  services?: number;
}

/** Fills the store; objects that already exist are left alone, so it is safe to call twice. */
export function loadScenario(store: ClusterStore, opts: ScenarioOptions): void {
  ensureIstioCrds(store);
  loadIstioSystem(store);
  if (opts.scenario === 'bookinfo') {
    loadBookinfo(store);
    loadBoutique(store);
  } else loadScale(store, opts.namespaces, opts.services);
}
