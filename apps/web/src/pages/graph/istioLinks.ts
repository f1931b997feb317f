import type { ConfigRef } from '@sextant/shared';

/** `VirtualService` → `virtualservices`, `AuthorizationPolicy` → `authorizationpolicies`. */
export function resourcePlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}

/** Where the Istio config page (#7) shows an object. */
export function istioObjectPath(ref: ConfigRef): string {
  return `/istio/${encodeURIComponent(ref.namespace)}/${resourcePlural(ref.kind)}/${encodeURIComponent(ref.name)}`;
}
