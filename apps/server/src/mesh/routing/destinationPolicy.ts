import { toTrafficPolicy } from '@sextant/shared';
import type { DestinationPolicy } from '@sextant/shared';
import type { IstioObject, ServiceInfo } from '../types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The DestinationRule with the policy set in its top-level `trafficPolicy`; fields the policy
 * leaves out are removed there, while subsets, port-level settings and the rest stay. A new
 * DestinationRule named after the service when there is none.
 */
export function planDestinationPolicy(input: {
  service: ServiceInfo;
  destinationRule: IstioObject | undefined;
  policy: DestinationPolicy;
}): { before: IstioObject | null; after: IstioObject } {
  const dr = input.destinationRule;
  const spec = structuredClone(dr?.spec ?? { host: input.service.name });
  const trafficPolicy: Record<string, unknown> = isRecord(spec.trafficPolicy) ? spec.trafficPolicy : {};
  for (const [field, value] of Object.entries(toTrafficPolicy(input.policy))) {
    if (value === undefined) delete trafficPolicy[field];
    else trafficPolicy[field] = value;
  }
  if (Object.keys(trafficPolicy).length > 0) spec.trafficPolicy = trafficPolicy;
  else delete spec.trafficPolicy;
  const after: IstioObject = dr
    ? { ...structuredClone(dr), spec }
    : {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: input.service.name, namespace: input.service.namespace },
        spec,
      };
  return { before: dr ?? null, after };
}
