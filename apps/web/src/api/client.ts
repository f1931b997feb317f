import type { z } from 'zod';
import { ApiError, apiErrorFromBody } from './ApiError';

/**
 * Sends `body` as JSON with `method` to `/api<path>` and parses the answer with `schema`; a
 * non-2xx answer throws the server's ApiError (409 details carry the current object).
 */
export async function apiSend<T>(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  return apiRequest(path, schema, {
    method,
    // The server refuses changes without JSON or this header (no cross-site form can send it).
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-sextant-request': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * GETs `/api<path>` and parses the answer with `schema` (zod at the edge: a payload that drifted
 * from the contract fails here, loudly, instead of deep inside a component).
 */
export async function apiGet<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  return apiRequest(path, schema, { headers: { accept: 'application/json' }, signal });
}

async function apiRequest<T>(path: string, schema: z.ZodType<T>, init: RequestInit): Promise<T> {
  const signal = init.signal ?? undefined;
  let response: Response;
  try {
    response = await fetch(`/api${path}`, init);
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
