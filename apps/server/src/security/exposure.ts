import { isIP } from 'node:net';

/** Whether `--host` listens on loopback only (a name or address no other machine can reach). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

export interface ExposureOptions {
  host: string;
  auth: string;
  readOnly: boolean;
  allowAnonymousWrites: boolean;
}

/**
 * Why Sextant must not start this way, or undefined. Anonymous writes use the server's own
 * cluster identity, so offering them beyond this machine hands that identity to the network.
 */
export function exposureProblem(o: ExposureOptions): string | undefined {
  if (o.auth !== 'anonymous' || o.readOnly || o.allowAnonymousWrites || isLoopbackHost(o.host))
    return undefined;
  return (
    `Refusing to listen on ${o.host} with --auth anonymous and writes allowed: anyone who reaches ` +
    `that address could change routing with Sextant's own cluster identity. Add --read-only, choose ` +
    `--auth token|openid|header so each person writes as themselves, listen on 127.0.0.1, or say you ` +
    `mean it with --allow-anonymous-writes.`
  );
}
