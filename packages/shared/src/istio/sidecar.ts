import { z } from 'zod';
import { Labels, istioObject } from './common';

export const SidecarSpec = z.looseObject({
  /** Absent: the namespace's default Sidecar (one per namespace). */
  workloadSelector: z.looseObject({ labels: Labels.optional() }).optional(),
  egress: z.array(z.looseObject({ hosts: z.array(z.string()).optional() })).optional(),
  outboundTrafficPolicy: z.looseObject({ mode: z.string().optional() }).optional(),
});
export type SidecarSpec = z.infer<typeof SidecarSpec>;

export const Sidecar = istioObject('Sidecar', SidecarSpec);
export type Sidecar = z.infer<typeof Sidecar>;
