import { z } from 'zod';

/**
 * Payloads the server defines but `@sextant/shared` does not (yet) export. Kept loose where the
 * web app does not depend on a field, so a server that adds fields keeps working.
 */
export const NamespaceInfo = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()).optional().default({}),
  /** True when the namespace is labelled for sidecar injection. */
  istioInjection: z.boolean().optional().default(false),
});
export type NamespaceInfo = z.infer<typeof NamespaceInfo>;

export const NamespaceList = z.object({ namespaces: z.array(NamespaceInfo) });
export type NamespaceList = z.infer<typeof NamespaceList>;

export const AuthInfo = z.looseObject({
  strategy: z.string(),
  user: z.string().optional(),
});
export type AuthInfo = z.infer<typeof AuthInfo>;
