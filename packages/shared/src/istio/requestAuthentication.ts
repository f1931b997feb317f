import { z } from 'zod';
import { WorkloadSelector, istioObject } from './common';

export const RequestAuthenticationSpec = z.looseObject({
  selector: WorkloadSelector.optional(),
  jwtRules: z
    .array(
      z.looseObject({
        issuer: z.string().optional(),
        jwksUri: z.string().optional(),
        audiences: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type RequestAuthenticationSpec = z.infer<typeof RequestAuthenticationSpec>;

export const RequestAuthentication = istioObject('RequestAuthentication', RequestAuthenticationSpec);
export type RequestAuthentication = z.infer<typeof RequestAuthentication>;
