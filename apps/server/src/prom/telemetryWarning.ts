import type { GraphWarning } from '@sextant/shared';
import type { BreakerSnapshot } from './circuitBreaker';
import { utcClock } from './circuitBreaker';
import { PrometheusError } from './client';

const CONFIG_ONLY = 'Showing configuration only.';

/**
 * The graph warning for a telemetry failure, saying which it is: Prometheus down
 * (`telemetry_down`), slow (`telemetry_slow`), the circuit open so Sextant is not asking
 * (`telemetry_circuit_open`), or another failure (`telemetry_unavailable`), with since when and
 * the time of the last good answer when the breaker knows them.
 */
export function telemetryWarning(err: unknown, breaker?: BreakerSnapshot, url?: string): GraphWarning {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof PrometheusError)) {
    return { code: 'telemetry_unavailable', message: `Traffic is missing: ${message} ${CONFIG_ONLY}` };
  }
  const times = breaker ? sinceAndLastGood(breaker) : '';
  if (err.kind === 'circuit_open') {
    // The breaker's own description already says what failed, since when and the last good data.
    return { code: 'telemetry_circuit_open', message: `${message} ${CONFIG_ONLY}` };
  }
  if (err.kind === 'unreachable') {
    const why = err.reason ? ` (${err.reason})` : '';
    return {
      code: 'telemetry_down',
      message: `Prometheus${at(url)} is not answering${why}${times}. ${CONFIG_ONLY} Check --prometheus-url and that Prometheus is running.`,
    };
  }
  if (err.kind === 'timeout') {
    const why = err.reason ? ` (${err.reason})` : '';
    return {
      code: 'telemetry_slow',
      message: `Prometheus${at(url)} is too slow${why}${times}. ${CONFIG_ONLY} Raise --prometheus-timeout if it is only busy.`,
    };
  }
  return { code: 'telemetry_unavailable', message: `Traffic is missing: ${message} ${CONFIG_ONLY}` };
}

function sinceAndLastGood(b: BreakerSnapshot): string {
  const since = b.failingSince !== undefined ? ` since ${utcClock(b.failingSince)} UTC` : '';
  const lastGood =
    b.lastSuccessAt !== undefined ? `; last good data at ${utcClock(b.lastSuccessAt)} UTC` : '';
  return `${since}${lastGood}`;
}

const at = (url: string | undefined): string => (url ? ` at ${url}` : '');
