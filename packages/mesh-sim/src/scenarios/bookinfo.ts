/**
 * Istio's Bookinfo, applied from the vendored samples unmodified: the app in `bookinfo`
 * (labelled for injection), its DestinationRules, the 80/20 reviews split and the ingress
 * Gateway; and a `curl` client in a namespace without injection, so plaintext traffic exists.
 */
import type { ClusterStore } from '../cluster/types';
import { applyManifests, ensureNamespace, readManifests } from './manifests';

export const BOOKINFO_NAMESPACE = 'bookinfo';
export const CURL_NAMESPACE = 'curl';

export const BOOKINFO_FILES = [
  'bookinfo/platform/bookinfo.yaml',
  'bookinfo/networking/destination-rule-all.yaml',
  'bookinfo/networking/virtual-service-reviews-80-20.yaml',
  'bookinfo/networking/bookinfo-gateway.yaml',
];

export function loadBookinfo(store: ClusterStore): void {
  ensureNamespace(store, BOOKINFO_NAMESPACE, { 'istio-injection': 'enabled' });
  for (const file of BOOKINFO_FILES) applyManifests(store, readManifests(file), BOOKINFO_NAMESPACE);

  ensureNamespace(store, CURL_NAMESPACE);
  applyManifests(store, readManifests('curl/curl.yaml'), CURL_NAMESPACE);
}
