import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphResponse, ServerStatus } from '@sextant/shared';
import { startDemo } from '../src/demo';
import type { RunningDemo } from '../src/demo';
import { getJson, silentLogger, waitFor } from './helpers';

// `sextant demo` without Prometheus: the graph comes from the simulator's counters.
let demo: RunningDemo;

beforeAll(async () => {
  demo = await startDemo({
    port: 0,
    prometheus: false,
    seed: 3,
    logger: silentLogger(),
    webDist: '/nonexistent',
  });
});

afterAll(async () => {
  await demo?.stop();
});

describe('sextant demo on simulator counters', () => {
  it('says which telemetry it uses', async () => {
    const { body } = await getJson(`${demo.url}/api/status`);
    expect(ServerStatus.parse(body)).toMatchObject({ telemetrySource: 'simulator', cacheSynced: true });
  });

  it('draws the bookinfo traffic with the configured split', async () => {
    const g = await waitFor(
      async () => {
        const { body } = await getJson(`${demo.url}/api/graph?namespaces=bookinfo&duration=60s`);
        const graph = GraphResponse.parse(body);
        const v1 = graph.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v1');
        return v1 && v1.rps > 0 ? graph : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'traffic to reviews-v1 in the simulator counters' },
    );
    expect(g.telemetrySource).toBe('simulator');
    expect(g.warnings).toEqual([]);
    const v1 = g.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v1');
    expect(v1?.configuredWeight).toBe(80);
    expect(v1?.responseTimeMs.p50).toBeGreaterThan(0);
    expect(
      g.edges.find((e) => e.id === 'app:bookinfo:productpage:v1->svc:bookinfo:details')?.rps,
    ).toBeGreaterThan(0);
  });
});
