import { z } from 'zod';

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

/** One finding of `mesh/validations`, e.g. `{ code: 'SX1001', severity: 'error', path: 'spec.hosts[0]' }`. */
export const Validation = z.object({
  code: z.string(),
  severity: Severity,
  message: z.string(),
  /** Dotted YAML path into the object, e.g. `spec.http[0].route[1].destination.subset`. */
  path: z.string(),
});
export type Validation = z.infer<typeof Validation>;
