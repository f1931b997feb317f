import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpError } from '../httpError';

/** Methods that change something; every other method is a read. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The header Sextant's own web app sends with every change. A page on another site cannot add
 * it without a CORS preflight, which Sextant never grants, so it marks a request as not forged.
 */
export const REQUEST_HEADER = 'x-sextant-request';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

const isJson = (contentType: string | undefined): boolean =>
  /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(contentType ?? '');

/**
 * Whether a request that changes something comes from Sextant's own origin:
 * - a browser says where it came from (`Sec-Fetch-Site`, `Origin`): it must be this very origin
 *   (the `Host` it asked for) or `--public-url`'s;
 * - every change must carry JSON or the `X-Sextant-Request` header, which no cross-site form,
 *   `text/plain` beacon or image can, so scripts without an `Origin` (curl) pass only that way.
 */
export function judgeOrigin(
  method: string,
  headers: IncomingHttpHeaders,
  publicOrigins: readonly string[],
): OriginVerdict {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const site = headerValue(headers['sec-fetch-site'])?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, reason: `a ${site} request (Sec-Fetch-Site)` };
  }
  const origin = headerValue(headers.origin);
  if (origin !== undefined) {
    const host = originHost(origin);
    const requested = headerValue(headers.host)?.toLowerCase();
    const own = host !== undefined && host === requested;
    if (!own && !publicOrigins.includes(origin.toLowerCase())) {
      return { ok: false, reason: `a request from the origin "${origin}"` };
    }
  }
  if (!isJson(headerValue(headers['content-type'])) && headerValue(headers[REQUEST_HEADER]) === undefined) {
    return {
      ok: false,
      reason:
        'a change that carries neither JSON nor the X-Sextant-Request header (a form or plain-text post)',
    };
  }
  return { ok: true };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function originHost(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.origin === 'null' ? undefined : u.host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `--public-url`'s origin, lower case, for the `Origin` comparison. */
export function publicOriginOf(publicUrl: string | undefined): string[] {
  if (!publicUrl) return [];
  return [new URL(publicUrl).origin.toLowerCase()];
}

/** 403 for a change forged by another site (cross-site JSON, form and text/plain posts, rollback included). */
export function originCheck(publicOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const verdict = judgeOrigin(req.method, req.headers, publicOrigins);
    if (verdict.ok) return next();
    next(
      new HttpError(
        403,
        'cross_site_refused',
        `Refused ${verdict.reason}: changes are accepted only from Sextant's own pages, or from scripts that send JSON (content-type: application/json) or the X-Sextant-Request header.`,
      ),
    );
  };
}
