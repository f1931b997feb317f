import { z } from 'zod';
import { Labels, PortSelector, istioObject } from './common';

/** `trafficPolicy` (top level, per subset, per port): the fields Sextant reads and writes. */
const policyFields = {
  tls: z.looseObject({ mode: z.string().optional() }).optional(),
  loadBalancer: z.looseObject({ simple: z.string().optional() }).optional(),
  connectionPool: z
    .looseObject({
      tcp: z.looseObject({ maxConnections: z.number().optional() }).optional(),
      http: z
        .looseObject({
          http1MaxPendingRequests: z.number().optional(),
          maxRequestsPerConnection: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  outlierDetection: z
    .looseObject({
      consecutive5xxErrors: z.number().optional(),
      interval: z.string().optional(),
      baseEjectionTime: z.string().optional(),
      maxEjectionPercent: z.number().optional(),
    })
    .optional(),
};

export const PortTrafficPolicy = z.looseObject({ port: PortSelector.optional(), ...policyFields });
export type PortTrafficPolicy = z.infer<typeof PortTrafficPolicy>;

export const TrafficPolicy = z.looseObject({
  ...policyFields,
  portLevelSettings: z.array(PortTrafficPolicy).optional(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicy>;

/** A named group of the host's pods, by labels added to the service's selector. */
export const Subset = z.looseObject({
  name: z.string(),
  labels: Labels.optional(),
  trafficPolicy: TrafficPolicy.optional(),
});
export type Subset = z.infer<typeof Subset>;

export const DestinationRuleSpec = z.looseObject({
  /** Required by Istio; optional here so validation SX2000 can say so in words. */
  host: z.string().optional(),
  trafficPolicy: TrafficPolicy.optional(),
  subsets: z.array(Subset).optional(),
  exportTo: z.array(z.string()).optional(),
});
export type DestinationRuleSpec = z.infer<typeof DestinationRuleSpec>;

export const DestinationRule = istioObject('DestinationRule', DestinationRuleSpec);
export type DestinationRule = z.infer<typeof DestinationRule>;
