import { z } from 'zod';
import { Labels, istioObject } from './common';

export const ServiceEntrySpec = z.looseObject({
  hosts: z.array(z.string()).optional(),
  ports: z
    .array(
      z.looseObject({
        number: z.number().optional(),
        protocol: z.string().optional(),
        name: z.string().optional(),
        targetPort: z.number().optional(),
      }),
    )
    .optional(),
  location: z.string().optional(),
  resolution: z.string().optional(),
  workloadSelector: z.looseObject({ labels: Labels.optional() }).optional(),
  exportTo: z.array(z.string()).optional(),
});
export type ServiceEntrySpec = z.infer<typeof ServiceEntrySpec>;

export const ServiceEntry = istioObject('ServiceEntry', ServiceEntrySpec);
export type ServiceEntry = z.infer<typeof ServiceEntry>;
