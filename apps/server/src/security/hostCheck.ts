import type { RequestHandler } from 'express';
import { HttpError } from '../httpError';

/** The names a browser on this machine uses for Sextant; any port. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** One allowed `Host`: a name, and a port when the rule pins one. */
export interface HostRule {
  name: string;
  port?: string;
}

// A Host header is a name or an IP literal and an optional port, nothing else: anything looser
// (userinfo, paths, spaces) is refused before it is compared.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/;

/** Splits and normalises a `Host` header (lower case, no trailing dot); undefined when malformed. */
export function parseHost(value: string | undefined): HostRule | undefined {
  if (!value) return undefined;
  const m = HOST_HEADER.exec(value.trim().toLowerCase());
  if (!m?.[1]) return undefined;
  const name = m[1].endsWith('.') ? m[1].slice(0, -1) : m[1];
  if (!name) return undefined;
  return m[2] === undefined ? { name } : { name, port: m[2] };
}

/**
 * The rules for `--allowed-hosts` entries (`name`, `name:port`, `[v6]`, a bare v6 address) and
 * `--public-url`; malformed entries throw so a typo fails at startup, not at the first request.
 */
export function hostRules(entries: readonly string[]): HostRule[] {
  return entries.map((raw) => {
    const entry = raw.trim().toLowerCase();
    // A bare IPv6 address (`::1`) is written without brackets on command lines.
    const rule = parseHost(entry.includes(':') && /^[0-9a-f:.]+$/.test(entry) ? `[${entry}]` : entry);
    if (!rule) throw new Error(`--allowed-hosts: "${raw}" is not a host name, address or host:port.`);
    return rule;
  });
}

export function hostAllowed(value: string | undefined, rules: readonly HostRule[]): boolean {
  const host = parseHost(value);
  if (!host) return false;
  return rules.some((r) => r.name === host.name && (r.port === undefined || r.port === host.port));
}

/**
 * Refuses (421) every request whose `Host` is not one Sextant answers to. A page on another site
 * that rebinds its own name to 127.0.0.1 still sends its own name, so this closes DNS rebinding.
 * `/healthz` and `/readyz` stay open: kubelet probes name the pod IP, and they reveal nothing.
 */
export function hostCheck(rules: readonly HostRule[]): RequestHandler {
  return (req, _res, next) => {
    if (req.path === '/healthz' || req.path === '/readyz') return next();
    const host = req.headers.host;
    if (hostAllowed(host, rules)) return next();
    next(
      new HttpError(
        421,
        'misdirected_request',
        `Sextant does not answer to the host "${host ?? ''}". Open it at an address it serves (127.0.0.1 or localhost by default); installs behind a proxy or a Service name list theirs with --public-url or --allowed-hosts.`,
      ),
    );
  };
}
