/**
 * Prometheus stopped, slow, and back, against the real Prometheus scraping mesh-sim: the graph
 * answers from configuration in under 2 s with a warning saying which it is, later requests do
 * not wait at all while the circuit is open, `/readyz` stays 200 (telemetry is not readiness),
 * and traffic returns by itself within seconds of Prometheus answering again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { GraphResponse, ServerStatus } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, silentLogger, waitFor } from './helpers';
import { startDelayProxy } from './support/delayProxy';
import type { DelayProxy } from './support/delayProxy';
import { startPrometheusProcess } from './support/prometheusProcess';
import type { PrometheusProcess } from './support/prometheusProcess';

let sim: MeshSim;
let prom: PrometheusProcess;
let proxy: DelayProxy;
/** Talks to Prometheus directly. */
let direct: RunningServer;
/** Talks to Prometheus through the delaying proxy. */
let throughProxy: RunningServer;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: true, seed: 11 });
  prom = await startPrometheusProcess(sim.metricsUrl);
  proxy = await startDelayProxy({ host: '127.0.0.1', port: prom.port });
  const common = { kubeconfig: sim.kubeconfig, context: ADMIN_CONTEXT, port: 0, logger: silentLogger() };
  direct = await startServer({ ...common, webDist: '/nonexistent', prometheusUrl: prom.url });
  throughProxy = await startServer({ ...common, webDist: '/nonexistent', prometheusUrl: proxy.url });
});

afterAll(async () => {
  await direct?.close();
  await throughProxy?.close();
  await proxy?.close();
  await prom?.remove();
  await sim?.stop();
});

interface TimedGraph {
  graph: GraphResponse;
  ms: number;
}

async function timedGraph(server: RunningServer): Promise<TimedGraph> {
  const t0 = performance.now();
  const { status, body } = await getJson(`${server.url}/api/graph?namespaces=bookinfo&duration=60s`);
  const ms = performance.now() - t0;
  expect(status).toBe(200);
  return { graph: GraphResponse.parse(body), ms };
}

/** The figures a person would read, for the run's log. */
const report = (line: string) => process.stderr.write(`fault figures: ${line}\n`);

const hasTraffic = (g: GraphResponse) =>
  g.telemetrySource === 'prometheus' &&
  !g.warnings.some((w) => w.code.startsWith('telemetry')) &&
  g.edges.some((e) => e.rps > 0);

const status = async (server: RunningServer) =>
  ServerStatus.parse((await getJson(`${server.url}/api/status`)).body);

const readyz = async (server: RunningServer) => (await getJson(`${server.url}/readyz`)).status;

/** Polls the graph until it is configuration-only, keeping every answer seen on the way. */
async function untilConfigOnly(server: RunningServer, deadlineMs: number): Promise<TimedGraph[]> {
  const seen: TimedGraph[] = [];
  await waitFor(
    async () => {
      const g = await timedGraph(server);
      seen.push(g);
      return g.graph.telemetrySource === 'none';
    },
    { timeoutMs: deadlineMs, intervalMs: 200, what: 'a configuration-only graph' },
  );
  return seen;
}

/** Ten users at once while the circuit is open: nobody waits, nothing is sent. */
async function noPileUp(server: RunningServer): Promise<void> {
  const before = (await status(server)).prometheus?.queriesSent;
  const burst = await Promise.all(Array.from({ length: 10 }, () => timedGraph(server)));
  report(`10 users at once, circuit open: slowest ${Math.max(...burst.map((b) => b.ms)).toFixed(0)} ms`);
  for (const { graph, ms } of burst) {
    expect(graph.warnings.map((w) => w.code)).toContain('telemetry_circuit_open');
    expect(ms).toBeLessThan(500);
  }
  expect((await status(server)).prometheus?.queriesSent).toBe(before);
}

describe('Prometheus faults', () => {
  it('has traffic while Prometheus answers', async () => {
    for (const server of [direct, throughProxy]) {
      await waitFor(async () => hasTraffic((await timedGraph(server)).graph), {
        timeoutMs: 60_000,
        what: 'bookinfo traffic in the graph',
      });
    }
  });

  it('shares the queries of 20 users asking for the same graph at once', async () => {
    const before = await status(direct);
    const burst = await Promise.all(Array.from({ length: 20 }, () => timedGraph(direct)));
    expect(burst.every(({ graph }) => hasTraffic(graph))).toBe(true);
    const after = await status(direct);
    const sent = (after.prometheus?.queriesSent ?? 0) - (before.prometheus?.queriesSent ?? 0);
    // One graph's 3 queries (6 if the burst straddles a 5 s bucket), not 60.
    expect(sent).toBeLessThanOrEqual(6);
    const saved = (s: ServerStatus) => (s.queryCache?.hits ?? 0) + (s.queryCache?.inFlightJoins ?? 0);
    expect(saved(after) - saved(before)).toBeGreaterThanOrEqual(60 - sent);
    expect(after.queryCache).toMatchObject({ enabled: true, bucketSeconds: 5 });
    expect(after.queryCache?.hitRate).toBeGreaterThan(0.5);
    report(
      `20 users at once: ${sent} PromQL sent, hit rate ${((after.queryCache?.hitRate ?? 0) * 100).toFixed(0)} %`,
    );
  });

  it('Prometheus stopped: a configuration-only graph in under 2 s that says it is down, then fails fast', async () => {
    const pid = prom.pid();
    expect(pid).toBeGreaterThan(0);
    await prom.kill();
    // Answers fetched just before are shared until their 5 s bucket ends, so allow that long.
    const seen = await untilConfigOnly(direct, 10_000);
    const first = seen.at(-1);
    expect(first?.ms).toBeLessThan(2_000);
    expect(first?.graph.warnings[0]?.code).toBe('telemetry_down');
    expect(first?.graph.warnings[0]?.message).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ is not answering \(connection refused\) since \d\d:\d\d:\d\d UTC; last good data at \d\d:\d\d:\d\d UTC\. Showing configuration only\./,
    );
    // Still drawn from configuration: the services are there, idle.
    expect(first?.graph.nodes.map((n) => n.id)).toContain('svc:bookinfo:reviews');
    for (const { ms } of seen) expect(ms).toBeLessThan(2_000);

    const open = await timedGraph(direct);
    expect(open.graph.warnings[0]).toMatchObject({ code: 'telemetry_circuit_open' });
    expect(open.graph.warnings[0]?.message).toMatch(
      /^Prometheus is not answering \(connection refused\) since \d\d:\d\d:\d\d UTC; last good data at \d\d:\d\d:\d\d UTC\./,
    );
    report(
      `Prometheus stopped: first config-only graph ${first?.ms.toFixed(0)} ms, circuit open ${open.ms.toFixed(0)} ms`,
    );
    await noPileUp(direct);
    expect(await readyz(direct)).toBe(200);
    const s = await status(direct);
    expect(s.prometheus).toMatchObject({
      breaker: expect.stringMatching(/^(open|half_open)$/) as unknown as string,
      lastError: { kind: 'down', reason: 'connection refused' },
    });
    expect(s.prometheus?.lastSuccessAt).toBeDefined();
  });

  it('Prometheus back: traffic returns by itself within 10 s', async () => {
    await prom.start();
    const t0 = performance.now();
    await waitFor(async () => hasTraffic((await timedGraph(direct)).graph), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'traffic after Prometheus came back',
    });
    const recoveryMs = performance.now() - t0;
    report(`Prometheus back: traffic in the graph ${recoveryMs.toFixed(0)} ms after it was ready`);
    expect(recoveryMs).toBeLessThan(10_000);
    const s = await status(direct);
    expect(s.prometheus?.breaker).toBe('closed');
    expect(s.prometheus?.probesSent).toBeGreaterThan(0);
    expect(await readyz(direct)).toBe(200);
  });

  it('Prometheus slow (10 s behind a proxy): configuration in under 2 s that says it is slow, then no waiting', async () => {
    await waitFor(async () => hasTraffic((await timedGraph(throughProxy)).graph), {
      timeoutMs: 30_000,
      what: 'traffic through the proxy',
    });
    proxy.delayMs = 10_000;
    const seen = await untilConfigOnly(throughProxy, 10_000);
    const first = seen.at(-1);
    expect(first?.ms).toBeLessThan(2_000);
    expect(first?.graph.warnings[0]?.code).toBe('telemetry_slow');
    expect(first?.graph.warnings[0]?.message).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ is too slow \(no answer within 1500 ms\) since \d\d:\d\d:\d\d UTC; last good data at \d\d:\d\d:\d\d UTC\. Showing configuration only\./,
    );
    for (const { ms } of seen) expect(ms).toBeLessThan(2_000);
    const open = await timedGraph(throughProxy);
    expect(open.graph.warnings[0]?.code).toBe('telemetry_circuit_open');
    expect(open.graph.warnings[0]?.message).toMatch(
      /^Prometheus is too slow \(no answer within 1500 ms\) since /,
    );
    report(
      `Prometheus slow: first config-only graph ${first?.ms.toFixed(0)} ms, circuit open ${open.ms.toFixed(0)} ms`,
    );
    await noPileUp(throughProxy);
    expect(await readyz(throughProxy)).toBe(200);
    expect((await status(throughProxy)).prometheus?.lastError?.kind).toBe('slow');
  });

  it('Prometheus fast again: traffic returns by itself within 10 s', async () => {
    proxy.delayMs = 0;
    const t0 = performance.now();
    await waitFor(async () => hasTraffic((await timedGraph(throughProxy)).graph), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'traffic after the delay was lifted',
    });
    const recoveryMs = performance.now() - t0;
    report(
      `Prometheus fast again: traffic in the graph ${recoveryMs.toFixed(0)} ms after the delay was lifted`,
    );
    expect(recoveryMs).toBeLessThan(10_000);
    expect((await status(throughProxy)).prometheus?.breaker).toBe('closed');
  });
});
