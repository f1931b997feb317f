import type { ErrorRequestHandler, RequestHandler } from 'express';
import { jsonBody } from './bodyGuards';
import { hostCheck, hostRules, LOOPBACK_HOSTS } from './hostCheck';
import { originCheck, publicOriginOf } from './originCheck';
import { writeRateLimit } from './writeRateLimit';

/** How the server may be reached: `--public-url`, `--allowed-hosts`, `--host`. */
export interface SurfaceOptions {
  /** Extra `Host` names (`name` or `name:port`) beyond loopback, e.g. a Service's DNS names. */
  allowedHosts?: readonly string[];
  /** The URL people open when Sextant sits behind a proxy or an ingress; its host and origin are allowed. */
  publicUrl?: string;
  /** The address the server listens on; a concrete (not wildcard) one is an allowed host too. */
  listenHost?: string;
  /** Changes per client per minute before 429 (default 120). */
  writesPerMinute?: number;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** Every `Host` rule the options allow: loopback, the listen address, `--public-url`, `--allowed-hosts`. */
export function allowedHostEntries(o: SurfaceOptions): string[] {
  const entries = [...LOOPBACK_HOSTS];
  if (o.listenHost && !WILDCARD.has(o.listenHost)) entries.push(o.listenHost);
  if (o.publicUrl) entries.push(new URL(o.publicUrl).hostname);
  entries.push(...(o.allowedHosts ?? []));
  return entries;
}

/**
 * The middleware that closes the HTTP surface: `host` for the whole app (421 for a name Sextant
 * does not serve), `api` for `/api` (403 for forged changes, 429 for floods, then JSON-only bodies
 * with size and depth limits).
 */
export function closedSurface(o: SurfaceOptions = {}): {
  host: RequestHandler;
  api: (RequestHandler | ErrorRequestHandler)[];
} {
  return {
    host: hostCheck(hostRules(allowedHostEntries(o))),
    api: [originCheck(publicOriginOf(o.publicUrl)), ...writeRateLimit(o.writesPerMinute), ...jsonBody()],
  };
}
