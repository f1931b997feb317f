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
 * Requests per second by outcome. `serverErrors` are 5xx, requests without a response (code 0,
 * failure flags such as `UF`, `UO`, `DC`) and gRPC server-side statuses; `clientErrors` are 4xx
 * and gRPC caller-side statuses (see classifyOutcome in packages/shared).
 */
export interface ErrorTally {
  total: number;
  serverErrors: number;
  clientErrors: number;
}

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

/** Health of a set of requests, Kiali's way: 5xx-like and 4xx-like shares against their own thresholds. `na` without requests. */
export function tallyHealth(tally: ErrorTally, thresholds: HealthThresholds = kialiThresholds): Health {
  if (tally.total <= 0) return 'na';
  return worstHealth(
    check((tally.serverErrors / tally.total) * 100, thresholds.code5xx),
    check((tally.clientErrors / tally.total) * 100, thresholds.code4xx),
  );
}
