import { ApiException } from '@kubernetes/client-node';
import { HttpError } from '../httpError';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The API server's Status; client-node 1.x gives it to us as a JSON string. */
function statusOf(body: unknown): Record<string, unknown> | undefined {
  if (isRecord(body)) return body;
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Maps a failed Kubernetes API call to our error shape, keeping the API server's own message
 * (the RBAC reason for a 403, the field errors for a 422) so the person sees what to fix.
 */
export function fromKubeError(err: unknown, what: string): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ApiException) {
    const status = statusOf(err.body);
    const apiMessage = typeof status?.message === 'string' ? status.message : `HTTP ${err.code}`;
    const details = status
      ? { reason: status.reason, causes: isRecord(status.details) ? status.details.causes : undefined }
      : undefined;
    switch (err.code) {
      case 400:
        return new HttpError(400, 'bad_request', `The API server rejected ${what}: ${apiMessage}`, details);
      case 401:
        return new HttpError(
          401,
          'unauthorized',
          `The API server did not accept our credentials for ${what}: ${apiMessage}`,
          details,
        );
      case 403:
        return new HttpError(403, 'forbidden', `Not allowed to ${what}: ${apiMessage}`, details);
      case 404:
        return new HttpError(404, 'not_found', `Not found: ${what}: ${apiMessage}`, details);
      case 409:
        return status?.reason === 'AlreadyExists'
          ? new HttpError(409, 'already_exists', `Cannot ${what}: ${apiMessage}`, details)
          : new HttpError(
              409,
              'conflict',
              `Someone changed the object since you loaded it, so ${what} was refused. Reload it and apply your change again. (${apiMessage})`,
              details,
            );
      case 422:
        return new HttpError(
          422,
          'invalid',
          `The API server found the object invalid: ${apiMessage}`,
          details,
        );
      case 504:
        return new HttpError(
          504,
          'upstream_timeout',
          `The API server timed out on ${what}: ${apiMessage}`,
          details,
        );
      default:
        return new HttpError(
          502,
          'upstream_error',
          `The API server failed on ${what} (HTTP ${err.code}): ${apiMessage}`,
          details,
        );
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new HttpError(502, 'upstream_unavailable', `Cannot reach the Kubernetes API to ${what}: ${message}`);
}
