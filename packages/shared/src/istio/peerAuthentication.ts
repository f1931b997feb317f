import { z } from 'zod';
import { WorkloadSelector, istioObject } from './common';

const Mtls = z.looseObject({ mode: z.string().optional() });

export const PeerAuthenticationSpec = z.looseObject({
  /** Absent or empty: namespace-wide (mesh-wide in the root namespace). */
  selector: WorkloadSelector.optional(),
  /** `STRICT`, `PERMISSIVE`, `DISABLE` or `UNSET` (inherit). */
  mtls: Mtls.optional(),
  portLevelMtls: z.record(z.string(), Mtls).optional(),
});
export type PeerAuthenticationSpec = z.infer<typeof PeerAuthenticationSpec>;

export const PeerAuthentication = istioObject('PeerAuthentication', PeerAuthenticationSpec);
export type PeerAuthentication = z.infer<typeof PeerAuthentication>;
