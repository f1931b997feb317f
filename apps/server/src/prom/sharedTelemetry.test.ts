import { describe, expect, it, vi } from 'vitest';
import { emptyTelemetry } from '../mesh/types';
import { SharedTelemetrySource } from './sharedTelemetry';
import type { TelemetryRequest, TelemetrySource } from './source';

const request = (namespaces: string[], windowSeconds = 60): TelemetryRequest => ({
  namespaces,
  windowSeconds,
  timeoutMs: 1_000,
});

describe('SharedTelemetrySource', () => {
  it('fetches once for the same namespaces and window, hands out the same telemetry, and says it cost nothing', async () => {
    const fetch = vi.fn(() => Promise.resolve({ telemetry: emptyTelemetry(), queries: 3 }));
    const inner: TelemetrySource = { kind: 'prometheus', description: 'p', fetch };
    const shared = new SharedTelemetrySource(inner, 60_000);
    const [a, b] = await Promise.all([
      shared.fetch(request(['bookinfo', 'curl'])),
      shared.fetch(request(['curl', 'bookinfo'])),
    ]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(a?.telemetry).toBe(b?.telemetry);
    expect([a?.queries, b?.queries].sort()).toEqual([0, 3]);
    await shared.fetch(request(['bookinfo'], 300));
    await shared.fetch(request(['bookinfo']));
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('SharedTelemetrySource savings', () => {
  it('reports the queries a kept or joined answer saved', async () => {
    const fetch = vi.fn(() => Promise.resolve({ telemetry: emptyTelemetry(), queries: 3 }));
    const saved: [string, number][] = [];
    const shared = new SharedTelemetrySource(
      { kind: 'prometheus', description: 'p', fetch },
      60_000,
      (how, n) => saved.push([how, n]),
    );
    await Promise.all([shared.fetch(request(['a'])), shared.fetch(request(['a']))]);
    await shared.fetch(request(['a']));
    expect(saved).toEqual([
      ['in_flight', 3],
      ['kept', 3],
    ]);
  });
});
