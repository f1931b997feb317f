import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody } from '@sextant/shared';
import { ZodError } from 'zod';
import { HttpError } from '../httpError';
import { PrometheusError } from '../prom/client';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one place failures become HTTP statuses and `{ error: { code, message, details? } }`. */
export function toErrorResponse(err: unknown): { status: number; body: ApiErrorBody } {
  const out = (status: number, code: string, message: string, details?: unknown) => ({
    status,
    body: { error: details === undefined ? { code, message } : { code, message, details } },
  });
  if (err instanceof HttpError) return out(err.status, err.code, err.message, err.details);
  if (err instanceof ZodError) {
    const message = err.issues
      // Unknown-field messages already name each field in full (`policy.timeOut: unknown field; …`).
      .map((i) =>
        i.path.length && i.code !== 'unrecognized_keys' ? `${i.path.join('.')}: ${i.message}` : i.message,
      )
      .join('; ');
    return out(400, 'bad_request', message, err.issues);
  }
  if (err instanceof PrometheusError) {
    return err.kind === 'timeout'
      ? out(504, 'upstream_timeout', err.message)
      : out(502, 'upstream_unavailable', err.message);
  }
  // body-parser errors carry `type` and `status`.
  if (isRecord(err) && err.type === 'entity.parse.failed') {
    return out(400, 'bad_request', `The request body is not valid JSON: ${String(err.message)}`);
  }
  if (isRecord(err) && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return out(400, 'bad_request', String(err.message));
  }
  return out(500, 'internal', 'Sextant failed unexpectedly; the server log has the details.');
}

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const { status, body } = toErrorResponse(err);
  if (status >= 500) req.log.error({ err }, 'request failed');
  res.status(status).json(body);
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `No API route ${req.method} ${req.path}.` } });
};
