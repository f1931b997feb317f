import { describe, expect, it } from 'vitest';
import { PrometheusError } from './client';
import { telemetryWarning } from './telemetryWarning';

const breaker = {
  state: 'closed' as const,
  consecutiveFailures: 1,
  failingSince: Date.UTC(2026, 11, 1, 22, 41, 3),
  lastSuccessAt: Date.UTC(2026, 11, 1, 22, 40, 55),
};

describe('telemetryWarning', () => {
  it('says Prometheus is down, since when, and the last good data', () => {
    const err = new PrometheusError('unreachable', 'x', undefined, 'connection refused');
    expect(telemetryWarning(err, breaker, 'http://prom:9090')).toEqual({
      code: 'telemetry_down',
      message:
        'Prometheus at http://prom:9090 is not answering (connection refused) since 22:41:03 UTC; last good data at 22:40:55 UTC. Showing configuration only. Check --prometheus-url and that Prometheus is running.',
    });
  });

  it('says Prometheus is slow', () => {
    const err = new PrometheusError('timeout', 'x', undefined, 'no answer within 1500 ms');
    expect(telemetryWarning(err)).toEqual({
      code: 'telemetry_slow',
      message:
        'Prometheus is too slow (no answer within 1500 ms). Showing configuration only. Raise --prometheus-timeout if it is only busy.',
    });
  });

  it('passes the open circuit on, and anything else as unavailable', () => {
    expect(telemetryWarning(new PrometheusError('circuit_open', 'Prometheus is not answering.'))).toEqual({
      code: 'telemetry_circuit_open',
      message: 'Prometheus is not answering. Showing configuration only.',
    });
    expect(telemetryWarning(new Error('simulator stopped.')).code).toBe('telemetry_unavailable');
  });
});
