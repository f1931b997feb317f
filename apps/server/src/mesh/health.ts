import type { Health } from '@sextant/shared';

/** Percent thresholds of failed requests; a value at or above `failure` fails. */
export interface ErrorThreshold {
  degraded: number;
  failure: number;
}

export interface HealthThresholds {
  code5xx: ErrorThreshold;
  code4xx: ErrorThreshold;
}

/** Kiali's defaults: any 5xx degrades, 10% fails; 4xx degrade at 10%, fail at 20%. */
export const kialiThresholds: HealthThresholds = {
  code5xx: { degraded: 0, failure: 10 },
  code4xx: { degraded: 10, failure: 20 },
};

/**
 * A request failed on the server side: a 5xx, or no HTTP code at all (`0`, `-`), which is
 * how Envoy reports resets and connection failures.
 */
export const isServerError = (code: string): boolean => code.startsWith('5') || code === '0' || code === '-';
export const isClientError = (code: string): boolean => code.startsWith('4');

// Same comparison as Kiali's ascendingThresholdCheck: zero is always healthy.
function check(percent: number, t: ErrorThreshold): Health {
  if (percent <= 0) return 'healthy';
  if (percent >= t.failure) return 'failure';
  if (percent >= t.degraded) return 'degraded';
  return 'healthy';
}

const rank: Record<Health, number> = { na: 0, healthy: 1, degraded: 2, failure: 3 };

/** The worse of two health values (`na` loses to everything). */
export function worstHealth(a: Health, b: Health): Health {
  return rank[a] >= rank[b] ? a : b;
}

/** Health of a set of requests, given requests per second by response code. `na` without requests. */
export function requestHealth(
  byCode: Record<string, number>,
  thresholds: HealthThresholds = kialiThresholds,
): Health {
  let total = 0;
  let server = 0;
  let client = 0;
  for (const [code, rps] of Object.entries(byCode)) {
    total += rps;
    if (isServerError(code)) server += rps;
    else if (isClientError(code)) client += rps;
  }
  if (total <= 0) return 'na';
  return worstHealth(
    check((server / total) * 100, thresholds.code5xx),
    check((client / total) * 100, thresholds.code4xx),
  );
}
