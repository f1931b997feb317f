import { toTrafficPolicy } from '@sextant/shared';
import type { DestinationPolicy, DestinationRule, TrafficPolicy } from '@sextant/shared';
import type { ServiceInfo } from '../types';
import type { PlannedChange } from './trafficShift';

/**
 * The DestinationRule with the policy set in its top-level `trafficPolicy`; fields the policy
 * leaves out are removed there, while subsets, port-level settings and the rest stay. A new
 * DestinationRule named after the service when there is none.
 */
export function planDestinationPolicy(input: {
  service: ServiceInfo;
  destinationRule: DestinationRule | undefined;
  policy: DestinationPolicy;
}): PlannedChange<DestinationRule> {
  const dr = input.destinationRule;
  const spec = structuredClone(dr?.spec ?? { host: input.service.name });
  const trafficPolicy: TrafficPolicy = spec.trafficPolicy ?? {};
  for (const [field, value] of Object.entries(toTrafficPolicy(input.policy))) {
    if (value === undefined) delete trafficPolicy[field];
    else trafficPolicy[field] = value;
  }
  if (Object.keys(trafficPolicy).length > 0) spec.trafficPolicy = trafficPolicy;
  else delete spec.trafficPolicy;
  const after: DestinationRule = dr
    ? { ...structuredClone(dr), spec }
    : {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: input.service.name, namespace: input.service.namespace },
        spec,
      };
  return { before: dr ?? null, after };
}
