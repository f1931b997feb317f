import { z } from 'zod';
import { WorkloadSelector, istioObject } from './common';

const strings = z.array(z.string()).optional();

export const AuthorizationRule = z.looseObject({
  from: z
    .array(
      z.looseObject({
        source: z
          .looseObject({
            principals: strings,
            notPrincipals: strings,
            namespaces: strings,
            notNamespaces: strings,
            requestPrincipals: strings,
            ipBlocks: strings,
          })
          .optional(),
      }),
    )
    .optional(),
  to: z
    .array(
      z.looseObject({
        operation: z
          .looseObject({
            hosts: strings,
            ports: strings,
            methods: strings,
            paths: strings,
            notPaths: strings,
          })
          .optional(),
      }),
    )
    .optional(),
  when: z.array(z.looseObject({ key: z.string(), values: strings, notValues: strings })).optional(),
});
export type AuthorizationRule = z.infer<typeof AuthorizationRule>;

export const AuthorizationPolicySpec = z.looseObject({
  selector: WorkloadSelector.optional(),
  /** `ALLOW` (default), `DENY`, `AUDIT` or `CUSTOM`. */
  action: z.string().optional(),
  rules: z.array(AuthorizationRule).optional(),
});
export type AuthorizationPolicySpec = z.infer<typeof AuthorizationPolicySpec>;

export const AuthorizationPolicy = istioObject('AuthorizationPolicy', AuthorizationPolicySpec);
export type AuthorizationPolicy = z.infer<typeof AuthorizationPolicy>;
