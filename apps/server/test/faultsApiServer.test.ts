/**
 * The Kubernetes API server going away and coming back (mesh-sim stopped and started again on
 * the same port with `--state-dir`, a real restart for every client), and watches expiring (410
 * Gone): the graph keeps answering from the cache and says it is stale, `/readyz` turns 503 only
 * after the threshold and back to 200 on recovery, and a change made right after the restart
 * reaches the cache within 10 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim, MeshSimOptions } from '@sextant/mesh-sim';
import { GraphResponse, ServerStatus } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger, waitFor } from './helpers';

const NOT_READY_AFTER_MS = 3_000;
let dir: string;
let simOptions: MeshSimOptions;
let sim: MeshSim | undefined;
let server: RunningServer;

const report = (line: string) => process.stderr.write(`fault figures: ${line}\n`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-fault-api-'));
  simOptions = {
    scenario: 'bookinfo',
    traffic: false,
    apiPort: 0,
    metricsPort: 0,
    stateDir: join(dir, 'state'),
    kubeconfigOut: join(dir, 'kubeconfig'),
    log: () => undefined,
  };
  sim = await startMeshSim(simOptions);
  // The next start must come back on the same port, as a restarted API server does.
  simOptions.apiPort = Number(new URL(sim.apiServer).port);
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    notReadyAfterMs: NOT_READY_AFTER_MS,
  });
});

afterAll(async () => {
  await server?.close();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const status = async () => ServerStatus.parse((await getJson(`${server.url}/api/status`)).body);
const readyz = async () => {
  const { status: code, body } = await getJson(`${server.url}/readyz`);
  return { code, body: body as { status: string; reason?: string } };
};
const graph = async () => {
  const { status: code, body } = await getJson(`${server.url}/api/graph?namespaces=bookinfo`);
  expect(code).toBe(200);
  return GraphResponse.parse(body);
};
const inCache = (name: string) => server.cache.get('virtualservices', 'bookinfo', name) !== undefined;

const vsYaml = (name: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings}
`;

async function apply(yaml: string): Promise<void> {
  const file = join(dir, `vs-${Date.now()}.yaml`);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, yaml);
  await kubectl(join(dir, 'kubeconfig'), ADMIN_CONTEXT, ['apply', '-f', file]);
}

describe('Kubernetes API server faults', () => {
  it('is ready and current to begin with', async () => {
    expect((await readyz()).code).toBe(200);
    const s = await status();
    expect(s.cacheSynced).toBe(true);
    expect(s.informers.every((i) => i.state === 'synced' && i.lastSyncAt)).toBe(true);
  });

  it('API server stopped: answers from the cache, says it is stale, /readyz 503 only after the threshold', async () => {
    await sim?.stop();
    sim = undefined;
    const down = Date.now();

    const failing = await waitFor(
      async () => {
        const s = await status();
        return s.informers.some((i) => i.state === 'failing') && s;
      },
      { timeoutMs: 10_000, what: 'informers failing' },
    );
    expect(failing.cacheSynced).toBe(false);
    const bad = failing.informers.find((i) => i.state === 'failing');
    // The API server is gone: the informer's error is a connection failure, dated after the stop.
    expect(bad?.lastError).toMatch(/ECONNREFUSED|connect|socket|closed|refused/i);
    const since = Date.parse(bad?.failingSince ?? '');
    expect(since).toBeGreaterThanOrEqual(down - 1_000);
    expect(since).toBeLessThanOrEqual(Date.now());

    const g = await graph();
    expect(g.nodes.map((n) => n.id)).toContain('svc:bookinfo:reviews');
    const stale = g.warnings.find((w) => w.code === 'config_stale');
    expect(stale?.message).toMatch(
      /^The Kubernetes API server is not answering since \d\d:\d\d:\d\d UTC \(connection refused\): the configuration drawn is from then \(\d+ s old\)\. Sextant reconnects by itself\.$/,
    );

    const notReady = await waitFor(
      async () => {
        const r = await readyz();
        return r.code === 503 && { ...r, at: Date.now() };
      },
      { timeoutMs: NOT_READY_AFTER_MS + 10_000, intervalMs: 100, what: '/readyz 503' },
    );
    // Not on the first blip: only once the watches had failed for longer than the threshold.
    expect(notReady.at - down).toBeGreaterThanOrEqual(NOT_READY_AFTER_MS);
    expect(notReady.body.status).toBe('failing');
    expect(notReady.body.reason).toMatch(/^Watches on the Kubernetes API have been failing for \d+ s \(/);
    expect((await status()).ready).toBe(false);
    report(
      `API server stopped: /readyz 503 after ${notReady.at - down} ms (threshold ${NOT_READY_AFTER_MS} ms)`,
    );
  });

  it('API server back (same port, --state-dir): a change made right after the restart is in the cache within 10 s', async () => {
    sim = await startMeshSim(simOptions);
    const up = Date.now();
    // Made while Sextant is still waiting out its reconnect backoff.
    await apply(vsYaml('made-after-restart'));
    await waitFor(() => inCache('made-after-restart'), {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the change in the cache',
    });
    const seenMs = Date.now() - up;
    expect(seenMs).toBeLessThan(10_000);
    const ready = await waitFor(
      async () => {
        const r = await readyz();
        return r.code === 200 && Date.now();
      },
      { timeoutMs: 10_000, intervalMs: 100, what: '/readyz 200' },
    );
    expect(ready - up).toBeLessThan(10_000);
    const s = await status();
    expect(s.cacheSynced).toBe(true);
    expect(s.informers.every((i) => i.state === 'synced')).toBe(true);
    expect((await graph()).warnings.map((w) => w.code)).not.toContain('config_stale');
    report(`API server back: change seen ${seenMs} ms after the restart, /readyz 200 after ${ready - up} ms`);
  });

  it('watch expired (410 Gone): relists at once, stays ready, sees the next change', async () => {
    const running = sim;
    if (!running) throw new Error('the simulator is not running');
    const codes: number[] = [];
    let polling = true;
    const poller = (async () => {
      for (let i = 0; i < 1_000 && polling; i++) {
        codes.push((await readyz()).code);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    running.compactWatchCache();
    const t0 = Date.now();
    await apply(vsYaml('made-after-410'));
    await waitFor(() => inCache('made-after-410'), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'the change after 410',
    });
    const seenMs = Date.now() - t0;
    polling = false;
    await poller;
    expect(seenMs).toBeLessThan(5_000);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 200)).toBe(true);
    expect((await status()).informers.every((i) => i.state === 'synced')).toBe(true);
    report(
      `watch expired (410): change seen ${seenMs} ms later (kubectl included), /readyz 200 in all ${codes.length} polls`,
    );
  });
});
