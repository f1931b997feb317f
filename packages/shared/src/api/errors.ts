import { z } from 'zod';

/** The one error shape every `/api` route answers with (DESIGN.md "HTTP API"). */
export const ApiErrorBody = z.object({
  error: z.object({
    /** Stable, machine-readable: `bad_request`, `not_found`, `conflict`, `forbidden`, `invalid`, `upstream_unavailable`, … */
    code: z.string(),
    /** A sentence a person understands: what failed and what to do. */
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
