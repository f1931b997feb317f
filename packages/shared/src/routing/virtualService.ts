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
 * The weights a VirtualService (the object, as JSON) gives the service's subsets on its catch-all
 * route (the first HTTP route without `match` that targets the service), as the traffic-shift
 * endpoint edits it. Undefined when there is no such route; a lone destination counts 100.
 */
export function configuredWeights(vs: unknown, service: string, namespace: string): Weights | undefined {
  const spec = isRecord(vs) ? vs.spec : undefined;
  const http = records(isRecord(spec) ? spec.http : undefined);
  const route = http.find(
    (r) =>
      records(r.match).length === 0 &&
      records(r.route).some(
        (d) => isRecord(d.destination) && namesService(d.destination.host, service, namespace),
      ),
  );
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
