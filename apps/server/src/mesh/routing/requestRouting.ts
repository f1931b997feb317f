import { toIstioHttpRoutes } from '@sextant/shared';
import type { RequestRule } from '@sextant/shared';
import type { IstioObject, ServiceInfo } from '../types';
import { editableCatchAllRoute, targetsService, withHttp } from './trafficShift';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The VirtualService with the service's match routes replaced by `rules`, in order. Routes that
 * send elsewhere stay first, in their order; the service's catch-all default route (its weights,
 * timeout, retries, faults) is kept, last, so the rules take priority over it.
 */
export function planRequestRouting(input: {
  service: ServiceInfo;
  virtualService: IstioObject | undefined;
  rules: RequestRule[];
}): { before: IstioObject | null; after: IstioObject } {
  const { service } = input;
  const { http, route: catchAll } = editableCatchAllRoute(input.virtualService, service);
  const others = http.filter((r) => r !== catchAll && !targetsService(r, input.virtualService, service));
  const dests = Array.isArray(catchAll.route) ? catchAll.route.filter(isRecord) : [];
  const sample = dests.find((d) => isRecord(d.destination))?.destination;
  const host = isRecord(sample) && typeof sample.host === 'string' ? sample.host : service.name;
  const port = isRecord(sample) && isRecord(sample.port) ? sample.port : undefined;
  const rules = toIstioHttpRoutes(input.rules, host, port);
  return {
    before: input.virtualService ?? null,
    after: withHttp(input.virtualService, service, [...others, ...rules, catchAll]),
  };
}
