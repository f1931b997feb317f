import type { Weights } from './weights';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** `reviews`, `reviews.bookinfo`, `reviews.bookinfo.svc[.cluster.local]` all name the service. */
function namesService(host: unknown, service: string, namespace: string): boolean {
  if (typeof host !== 'string') return false;
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ].includes(host);
}

/**
 * The catch-all HTTP route of the service in a VirtualService (as JSON): the first route without
 * `match` that sends to the service; the one the traffic-shift and route-policy endpoints edit.
 */
export function catchAllRoute(
  vs: unknown,
  service: string,
  namespace: string,
): Record<string, unknown> | undefined {
  const spec = isRecord(vs) ? vs.spec : undefined;
  return records(isRecord(spec) ? spec.http : undefined).find(
    (r) =>
      records(r.match).length === 0 &&
      records(r.route).some(
        (d) => isRecord(d.destination) && namesService(d.destination.host, service, namespace),
      ),
  );
}

/**
 * The weights a VirtualService (the object, as JSON) gives the service's subsets on its catch-all
 * route. Undefined when there is no such route; a lone destination counts 100.
 */
export function configuredWeights(vs: unknown, service: string, namespace: string): Weights | undefined {
  const route = catchAllRoute(vs, service, namespace);
  if (!route) return undefined;
  const dests = records(route.route);
  const out: Weights = {};
  for (const d of dests) {
    const dest = isRecord(d.destination) ? d.destination : {};
    if (!namesService(dest.host, service, namespace) || typeof dest.subset !== 'string') continue;
    out[dest.subset] =
      (out[dest.subset] ?? 0) + (typeof d.weight === 'number' ? d.weight : dests.length === 1 ? 100 : 0);
  }
  return out;
}
