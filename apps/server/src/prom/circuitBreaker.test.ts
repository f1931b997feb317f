import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, CircuitOpenError, describeOpen } from './circuitBreaker';
import type { BreakerFailure } from './circuitBreaker';

const down: BreakerFailure = { kind: 'down', message: 'refused', reason: 'connection refused' };
const fail = () => Promise.reject(new Error('refused'));
const ok = () => Promise.resolve('answer');
const counts = () => true;

function breaker(probe: () => Promise<void>, now: () => number) {
  return new CircuitBreaker({
    failureThreshold: 3,
    probeIntervalMs: 1_000,
    probe,
    classify: () => down,
    now,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CircuitBreaker', () => {
  it('opens after three consecutive failures and then fails at once without sending', async () => {
    let t = Date.UTC(2026, 11, 1, 22, 40, 55);
    const b = breaker(
      () => Promise.reject(new Error('still down')),
      () => t,
    );
    await expect(b.run(ok, counts)).resolves.toBe('answer');
    t = Date.UTC(2026, 11, 1, 22, 41, 3);
    for (let i = 0; i < 3; i++) await expect(b.run(fail, counts)).rejects.toThrow('refused');
    expect(b.snapshot().state).toBe('open');
    const send = vi.fn(ok);
    const err = await b.run(send, counts).catch((e: unknown) => e);
    expect(send).not.toHaveBeenCalled();
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect((err as Error).message).toBe(
      'Prometheus is not answering (connection refused) since 22:41:03 UTC; last good data at 22:40:55 UTC. Sextant stopped asking for now and checks again in the background.',
    );
    b.stop();
  });

  it('does not count failures that are not Prometheus failing, and a success resets the run', async () => {
    const b = breaker(() => Promise.resolve(), Date.now);
    await expect(b.run(fail, () => false)).rejects.toThrow();
    await expect(b.run(fail, counts)).rejects.toThrow();
    await expect(b.run(fail, counts)).rejects.toThrow();
    await b.run(ok, counts);
    await expect(b.run(fail, counts)).rejects.toThrow();
    expect(b.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    b.stop();
  });

  it('probes in the background and closes when Prometheus answers again', async () => {
    vi.useFakeTimers();
    let up = false;
    const probe = vi.fn(() => (up ? Promise.resolve() : Promise.reject(new Error('no'))));
    const states: string[] = [];
    const b = new CircuitBreaker({
      failureThreshold: 1,
      probeIntervalMs: 1_000,
      probe,
      classify: () => down,
      onStateChange: (s) => states.push(s),
    });
    await expect(b.run(fail, counts)).rejects.toThrow();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(b.snapshot().state).toBe('open');
    up = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(b.snapshot().state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
    await expect(b.run(ok, counts)).resolves.toBe('answer');
    // Closed: no more probes.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('says slow and never-answered in words', () => {
    expect(
      describeOpen({
        state: 'open',
        consecutiveFailures: 3,
        failingSince: Date.UTC(2026, 0, 1, 1, 2, 3),
        lastFailure: { kind: 'slow', message: 'x', reason: 'no answer within 1500 ms', at: 0 },
      }),
    ).toBe(
      'Prometheus is too slow (no answer within 1500 ms) since 01:02:03 UTC; no good answer since Sextant started. Sextant stopped asking for now and checks again in the background.',
    );
  });
});
