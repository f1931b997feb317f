import { toIstioRoute } from '@sextant/shared';
import type { RoutePolicy } from '@sextant/shared';
import type { IstioObject, ServiceInfo } from '../types';
import { editableCatchAllRoute, withHttp } from './trafficShift';

/**
 * The VirtualService with the policy (timeout, retries, fault) set on the service's catch-all
 * route; a field the policy leaves out is removed from that route. Weights, match rules and other
 * routes stay as they were.
 */
export function planRoutePolicy(input: {
  service: ServiceInfo;
  virtualService: IstioObject | undefined;
  policy: RoutePolicy;
}): { before: IstioObject | null; after: IstioObject } {
  const { http, route } = editableCatchAllRoute(input.virtualService, input.service);
  for (const [field, value] of Object.entries(toIstioRoute(input.policy))) {
    if (value === undefined) delete route[field];
    else route[field] = value;
  }
  return { before: input.virtualService ?? null, after: withHttp(input.virtualService, input.service, http) };
}
