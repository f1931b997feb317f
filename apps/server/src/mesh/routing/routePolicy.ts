import { toIstioRoute } from '@sextant/shared';
import type { RoutePolicy, VirtualService } from '@sextant/shared';
import type { ServiceInfo } from '../types';
import { editableCatchAllRoute, withHttp, type PlannedChange } from './trafficShift';

/**
 * The VirtualService with the policy (timeout, retries, fault) set on the service's catch-all
 * route; a field the policy leaves out is removed from that route. Weights, match rules and other
 * routes stay as they were.
 */
export function planRoutePolicy(input: {
  service: ServiceInfo;
  virtualService: VirtualService | undefined;
  policy: RoutePolicy;
}): PlannedChange<VirtualService> {
  const { http, route } = editableCatchAllRoute(input.virtualService, input.service);
  const { timeout, retries, fault } = toIstioRoute(input.policy);
  // An absent field means "none": the route field is removed, not left as it was.
  if (timeout === undefined) delete route.timeout;
  else route.timeout = timeout;
  if (retries === undefined) delete route.retries;
  else route.retries = retries;
  if (fault === undefined) delete route.fault;
  else route.fault = fault;
  return { before: input.virtualService ?? null, after: withHttp(input.virtualService, input.service, http) };
}
