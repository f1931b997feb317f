import { z } from 'zod';
import { Labels, istioObject } from './common';

export const GatewayServer = z.looseObject({
  port: z
    .looseObject({
      number: z.number().optional(),
      protocol: z.string().optional(),
      name: z.string().optional(),
    })
    .optional(),
  /** `host` or `namespace/host`. */
  hosts: z.array(z.string()).optional(),
  tls: z.looseObject({ mode: z.string().optional(), credentialName: z.string().optional() }).optional(),
});
export type GatewayServer = z.infer<typeof GatewayServer>;

export const GatewaySpec = z.looseObject({
  /** Labels of the gateway pods (in any namespace) that serve it. */
  selector: Labels.optional(),
  servers: z.array(GatewayServer).optional(),
});
export type GatewaySpec = z.infer<typeof GatewaySpec>;

export const Gateway = istioObject('Gateway', GatewaySpec);
export type Gateway = z.infer<typeof Gateway>;
