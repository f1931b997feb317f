import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const NamespaceName = z
  .string()
  .max(63)
  .regex(DNS_LABEL, 'namespace: lowercase letters, digits and "-", e.g. bookinfo');
export const ObjectName = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, 'name: lowercase letters, digits, "-" and "."');

export const ObjectParams = z.object({ namespace: NamespaceName, resource: z.string(), name: ObjectName });
export const CollectionParams = z.object({ namespace: NamespaceName, resource: z.string() });
export const NamespaceFilter = z.object({ namespace: NamespaceName.optional() });
export const DryRun = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/** `60s`, `5m`, `1h` → seconds. */
export function durationSeconds(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = d.slice(-1);
  return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
}
