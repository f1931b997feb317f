import { ApiErrorBody } from '@sextant/shared';

/**
 * The one error type every fetcher throws. `status` is the HTTP status (0 when the request never
 * got an answer), `code` the server's machine-readable code, `message` a sentence for a person.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** 401/403 will not change by asking again; retrying them only delays the message. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** Builds an ApiError from a non-2xx response, using the server's `{ error }` body when there is one. */
export function apiErrorFromBody(status: number, statusText: string, body: unknown): ApiError {
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(status, code, message, details);
  }
  return new ApiError(status, `http_${status}`, `The server answered ${status} ${statusText}`.trim() + '.');
}

/** Whether react-query should try again: never for auth errors or bad input, a couple of times otherwise. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && (error.isAuthError || (error.status >= 400 && error.status < 500))) {
    return false;
  }
  return failureCount < 2;
}
