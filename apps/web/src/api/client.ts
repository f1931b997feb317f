import type { z } from 'zod';
import { ApiError, apiErrorFromBody } from './ApiError';

/**
 * GETs `/api<path>` and parses the answer with `schema` (zod at the edge: a payload that drifted
 * from the contract fails here, loudly, instead of deep inside a component).
 */
export async function apiGet<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      0,
      'network',
      'Sextant’s server did not answer. Check that it is running and reachable.',
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorFromBody(response.status, response.statusText, body);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : '';
    throw new ApiError(
      response.status,
      'bad_response',
      `The server’s answer to ${path} was not understood${where}.`,
    );
  }
  return parsed.data;
}
