import { toIstioHttpRoutes } from '@sextant/shared';
import type { RequestRule, VirtualService } from '@sextant/shared';
import type { ServiceInfo } from '../types';
import {
  destinationStyle,
  editableCatchAllRoute,
  targetsService,
  withHttp,
  type PlannedChange,
} from './trafficShift';

/**
 * The VirtualService with the service's match routes replaced by `rules`, in order. Routes that
 * send elsewhere stay first, in their order; the service's catch-all default route (its weights,
 * timeout, retries, faults) is kept, last, so the rules take priority over it.
 */
export function planRequestRouting(input: {
  service: ServiceInfo;
  virtualService: VirtualService | undefined;
  rules: RequestRule[];
}): PlannedChange<VirtualService> {
  const { service } = input;
  const { http, route: catchAll } = editableCatchAllRoute(input.virtualService, service);
  const others = http.filter((r) => r !== catchAll && !targetsService(r, input.virtualService, service));
  const { host, port } = destinationStyle(catchAll, service);
  const rules = toIstioHttpRoutes(input.rules, host, port);
  return {
    before: input.virtualService ?? null,
    after: withHttp(input.virtualService, service, [...others, ...rules, catchAll]),
  };
}
