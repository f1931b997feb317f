import type { ServerStatus } from '@sextant/shared';

/** One reason the data on screen may be old, in words. */
export interface StaleNotice {
  source: 'server' | 'kubernetes' | 'prometheus';
  title: string;
  detail: string;
}

export interface StalenessInput {
  /** The last status the server gave (kept by react-query while later polls fail). */
  status?: ServerStatus;
  /** The latest poll failed: the server itself is not answering. */
  statusFailed: boolean;
  /** When the last successful poll arrived (epoch ms, browser clock). */
  statusUpdatedAt: number;
  /** Browser clock, epoch ms. */
  now: number;
  /** Formats a time for people (the browser's locale and zone). */
  formatTime?: (ms: number) => string;
}

const defaultTime = (ms: number): string => new Date(ms).toLocaleTimeString();

/** "45 s", "3 min", "2 h": how old, rounded the way people say it. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.round(min / 60)} h`;
}

/**
 * What the stale-data banner says: the Sextant server not answering, the Kubernetes API server
 * not answering (the cache's watches failing), or Prometheus not answering (the circuit open).
 * Ages are measured on the server's clock where the server gave the times, so a skewed browser
 * clock does not make data look older or newer than it is.
 */
export function staleNotices(input: StalenessInput): StaleNotice[] {
  const time = input.formatTime ?? defaultTime;
  const notices: StaleNotice[] = [];
  if (input.statusFailed && input.statusUpdatedAt > 0) {
    notices.push({
      source: 'server',
      title: 'Sextant’s server is not answering.',
      detail: `What you see is from ${time(input.statusUpdatedAt)} (${formatAge(input.now - input.statusUpdatedAt)} old) and will not change until it answers again.`,
    });
  }
  const status = input.status;
  if (!status) return notices;
  const serverNow = Date.parse(status.now);
  const failing = status.informers.filter((i) => i.state === 'failing' && i.failingSince);
  if (failing.length > 0) {
    const since = Math.min(...failing.map((i) => Date.parse(i.failingSince ?? status.now)));
    const error = failing.find((i) => i.lastError)?.lastError;
    notices.push({
      source: 'kubernetes',
      title: `The Kubernetes API server is not answering${error ? ` (${reasonOf(error)})` : ''} since ${time(since)}.`,
      detail:
        `Configuration shown is from then (${formatAge(serverNow - since)} old): lists, the graph and ` +
        'editors may be out of date. Sextant reconnects by itself.',
    });
  }
  const prom = status.prometheus;
  if (prom && prom.breaker !== 'closed') {
    const kind = prom.lastError?.kind;
    const verb = kind === 'slow' ? 'is too slow' : kind === 'error' ? 'is failing' : 'is not answering';
    const why = prom.lastError?.reason ? ` (${prom.lastError.reason})` : '';
    const since = prom.failingSince ? ` since ${time(Date.parse(prom.failingSince))}` : '';
    const lastGood = prom.lastSuccessAt
      ? `Last good data at ${time(Date.parse(prom.lastSuccessAt))} (${formatAge(serverNow - Date.parse(prom.lastSuccessAt))} old).`
      : 'No traffic data since Sextant started.';
    notices.push({
      source: 'prometheus',
      title: `Prometheus ${verb}${why}${since}.`,
      detail: `${lastGood} Showing configuration only.`,
    });
  }
  return notices;
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
};

/** The Kubernetes client's errors are long ("request to https://… failed, reason: connect ECONNREFUSED …"); a few words. */
function reasonOf(error: string): string {
  const code = /\b(E[A-Z]{4,})\b/.exec(error)?.[1];
  if (code) return CODES[code] ?? code;
  const first = error.split('\n')[0] ?? error;
  return first.length > 80 ? `${first.slice(0, 77)}…` : first;
}
