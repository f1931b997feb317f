import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim, startPrometheus, VIEWER_CONTEXT } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ApiErrorBody, AuthInfo, GraphResponse, IstioObjectWithValidations } from '@sextant/shared';
import type { GraphEdge } from '@sextant/shared';
import { PromClient } from '../src/prom/client';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, readEvents, silentLogger, waitFor } from './helpers';

// One simulated cluster, one real Prometheus scraping it, and three servers on it: admin,
// viewer (read-only RBAC) and --read-only.
let sim: MeshSim;
let prom: { url: string; stop(): Promise<void> };
let admin: RunningServer;
let viewer: RunningServer;
let readOnly: RunningServer;
let tokenAuth: RunningServer;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: true, seed: 7 });
  prom = await startPrometheus({ scrapeUrls: [sim.metricsUrl], scrapeIntervalSeconds: 1 });
  const common = { kubeconfig: sim.kubeconfig, port: 0, logger: silentLogger(), webDist: '/nonexistent' };
  admin = await startServer({ ...common, context: ADMIN_CONTEXT, prometheusUrl: prom.url });
  viewer = await startServer({ ...common, context: VIEWER_CONTEXT, prometheusUrl: prom.url });
  readOnly = await startServer({ ...common, context: ADMIN_CONTEXT, readOnly: true });
  tokenAuth = await startServer({ ...common, context: VIEWER_CONTEXT, auth: 'token' });
});

afterAll(async () => {
  await admin?.close();
  await viewer?.close();
  await readOnly?.close();
  await tokenAuth?.close();
  await prom?.stop();
  await sim?.stop();
});

const graph = async (
  server: RunningServer,
  query = 'namespaces=bookinfo,curl&duration=60s',
): Promise<GraphResponse> => {
  const { status, body } = await getJson(`${server.url}/api/graph?${query}`);
  expect(status).toBe(200);
  return GraphResponse.parse(body);
};
const edge = (g: GraphResponse, id: string): GraphEdge | undefined => g.edges.find((e) => e.id === id);

describe('graph against mesh-sim and a real Prometheus', () => {
  it('draws bookinfo with the 80/20 reviews split read from the service node', async () => {
    // Enough requests in the window that the observed split is a fair sample.
    const client = new PromClient({ url: prom.url });
    await waitFor(
      async () => {
        const r = await client.query(
          'sum(increase(istio_requests_total{reporter="destination",destination_service_name="reviews"}[60s]))',
        );
        return (r[0]?.value ?? 0) >= 300;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: '300 requests to reviews in Prometheus' },
    );
    const g = await graph(admin);
    expect(g.telemetrySource).toBe('prometheus');
    expect(g.warnings).toEqual([]);
    const ids = g.nodes.map((n) => n.id);
    for (const id of [
      'app:bookinfo:productpage:v1',
      'app:bookinfo:reviews:v1',
      'app:bookinfo:reviews:v2',
      'app:bookinfo:details:v1',
      'app:bookinfo:ratings:v1',
      'svc:bookinfo:productpage',
      'svc:bookinfo:reviews',
      'box:bookinfo:reviews',
      'unknown',
    ]) {
      expect(ids).toContain(id);
    }
    expect(edge(g, 'app:bookinfo:productpage:v1->svc:bookinfo:reviews')?.rps).toBeGreaterThan(0);
    expect(edge(g, 'app:bookinfo:productpage:v1->svc:bookinfo:details')?.rps).toBeGreaterThan(0);
    expect(edge(g, 'app:bookinfo:reviews:v2->svc:bookinfo:ratings')?.rps).toBeGreaterThan(0);
    const v1 = edge(g, 'svc:bookinfo:reviews->app:bookinfo:reviews:v1');
    const v2 = edge(g, 'svc:bookinfo:reviews->app:bookinfo:reviews:v2');
    expect(v1?.configuredWeight).toBe(80);
    expect(v2?.configuredWeight).toBe(20);
    expect(Math.abs((v1?.percentOfSource ?? 0) - 80)).toBeLessThanOrEqual(8);
    expect(Math.abs((v2?.percentOfSource ?? 0) - 20)).toBeLessThanOrEqual(8);
    expect(v1?.responseTimeMs.p95).toBeGreaterThan(0);
    expect(g.nodes.find((n) => n.id === 'svc:bookinfo:reviews')?.badges).toEqual(['TS', 'VS']);
  });

  it('shows plaintext traffic from curl (no sidecar) below 100% mTLS', async () => {
    const g = await graph(admin);
    // curl has no proxy, so the destination proxy cannot name it: it is the unknown caller.
    const fromCurl = edge(g, 'unknown->svc:bookinfo:productpage');
    expect(fromCurl?.rps).toBeGreaterThan(0);
    expect(fromCurl?.mtlsPercent).toBeLessThan(100);
    expect(edge(g, 'app:bookinfo:productpage:v1->svc:bookinfo:reviews')?.mtlsPercent).toBe(100);
  });

  it('costs at most 4 PromQL queries whatever the number of namespaces', async () => {
    const before = admin.prom?.queriesIssued ?? 0;
    const { headers } = await getJson(
      `${admin.url}/api/graph?namespaces=bookinfo,curl,istio-system,default&duration=60s`,
    );
    expect(Number(headers.get('x-sextant-prom-queries'))).toBeLessThanOrEqual(4);
    expect((admin.prom?.queriesIssued ?? 0) - before).toBeLessThanOrEqual(4);
  });
});

describe('configuration changes', () => {
  it('sees a kubectl change through the API and as an SSE event within 2 s', async () => {
    const events: { at: number; data: string }[] = [];
    const stream = readEvents(`${admin.url}/api/events?namespace=bookinfo`, (event, data) => {
      if (event === 'change') events.push({ at: Date.now(), data });
    });
    try {
      await stream.opened;
      const start = Date.now();
      await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
        '-n',
        'bookinfo',
        'label',
        'virtualservice',
        'reviews',
        'sextant.test/changed=yes',
        '--overwrite',
      ]);
      const seen = await waitFor(
        () =>
          events.find((e) => {
            const d = JSON.parse(e.data) as { type: string; kind: string; name: string };
            return d.type === 'MODIFIED' && d.kind === 'VirtualService' && d.name === 'reviews';
          }),
        { timeoutMs: 2_000, intervalMs: 20, what: 'SSE change event for VirtualService reviews' },
      );
      expect(seen.at - start).toBeLessThan(2_000);
      const { body } = await getJson(`${admin.url}/api/istio/bookinfo/virtualservices/reviews`);
      expect(IstioObjectWithValidations.parse(body).object.metadata).toMatchObject({
        labels: { 'sextant.test/changed': 'yes' },
      });
    } finally {
      stream.close();
    }
  });

  it('keeps following changes after the API server compacts its watch history (410 → relist)', async () => {
    sim.compactWatchCache();
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'label',
      'destinationrule',
      'reviews',
      'sextant.test/after-compaction=yes',
      '--overwrite',
    ]);
    await waitFor(
      async () => {
        const { body } = await getJson(`${admin.url}/api/istio/bookinfo/destinationrules/reviews`);
        const labels = IstioObjectWithValidations.parse(body).object.metadata.labels as
          Record<string, string> | undefined;
        return labels?.['sextant.test/after-compaction'] === 'yes';
      },
      { timeoutMs: 10_000, what: 'the label set after compaction to reach the cache' },
    );
    expect(admin.cache.isSynced()).toBe(true);
  });

  it('writes with the resourceVersion and answers 409 when it is stale', async () => {
    const url = `${admin.url}/api/istio/bookinfo/virtualservices/reviews`;
    const loaded = IstioObjectWithValidations.parse((await getJson(url)).body).object;
    // Someone else changes it after we loaded it.
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'annotate',
      'virtualservice',
      'reviews',
      'sextant.test/other=edit',
      '--overwrite',
    ]);
    const put = (body: unknown, query = '') =>
      getJson(`${url}${query}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const stale = await put(loaded);
    expect(stale.status).toBe(409);
    expect(ApiErrorBody.parse(stale.body).error.code).toBe('conflict');

    const { metadata: _drop, ...withoutRv } = loaded;
    const missing = await put({ ...withoutRv, metadata: { name: 'reviews', namespace: 'bookinfo' } });
    expect(missing.status).toBe(400);
    expect(ApiErrorBody.parse(missing.body).error.message).toContain('resourceVersion');

    const fresh = await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'json',
    ]);
    const current = JSON.parse(fresh) as {
      metadata: Record<string, unknown>;
      spec: { http: { route: { weight: number }[] }[] };
    };
    const route = current.spec.http[0]?.route;
    if (!route?.[0] || !route[1]) throw new Error('reviews has no weighted route');
    route[0].weight = 50;
    route[1].weight = 50;
    const dry = await put(current, '?dryRun=true');
    expect(dry.status).toBe(200);
    const afterDry = JSON.parse(
      await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
        '-n',
        'bookinfo',
        'get',
        'virtualservice',
        'reviews',
        '-o',
        'json',
      ]),
    ) as typeof current;
    expect(afterDry.spec.http[0]?.route[0]?.weight).toBe(80);

    const ok = await put(current);
    expect(ok.status).toBe(200);
    const afterPut = JSON.parse(
      await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
        '-n',
        'bookinfo',
        'get',
        'virtualservice',
        'reviews',
        '-o',
        'json',
      ]),
    ) as typeof current;
    expect(afterPut.spec.http[0]?.route.map((r) => r.weight)).toEqual([50, 50]);
  });

  it('maps an invalid object to 422 and bad input to 400', async () => {
    const url = `${admin.url}/api/istio/bookinfo/virtualservices`;
    const post = (body: unknown) =>
      getJson(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const invalid = await post({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'broken' },
      spec: { hosts: 'not-a-list' },
    });
    expect(invalid.status).toBe(422);
    expect(ApiErrorBody.parse(invalid.body).error.code).toBe('invalid');
    const wrongKind = await post({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'x' },
    });
    expect(wrongKind.status).toBe(400);
    const notJson = await getJson(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses writes for the viewer context with 403 and the RBAC reason', async () => {
    const { body: authBody } = await getJson(`${viewer.url}/api/auth/info`);
    expect(AuthInfo.parse(authBody).permissions.bookinfo?.canEdit).toBe(false);
    const current = await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'json',
    ]);
    const res = await getJson(`${viewer.url}/api/istio/bookinfo/virtualservices/reviews`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: current,
    });
    expect(res.status).toBe(403);
    const err = ApiErrorBody.parse(res.body).error;
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/forbidden|cannot/i);
    const { body: adminAuth } = await getJson(`${admin.url}/api/auth/info`);
    expect(AuthInfo.parse(adminAuth).permissions.bookinfo?.canEdit).toBe(true);
  });

  it('refuses writes with --read-only and says so in auth/info', async () => {
    const { body } = await getJson(`${readOnly.url}/api/auth/info`);
    expect(AuthInfo.parse(body)).toMatchObject({
      readOnly: true,
      permissions: { bookinfo: { canEdit: false } },
    });
    const res = await getJson(`${readOnly.url}/api/istio/bookinfo/virtualservices/reviews`, {
      method: 'DELETE',
      headers: { 'x-sextant-request': '1' },
    });
    expect(res.status).toBe(403);
    expect(ApiErrorBody.parse(res.body).error.code).toBe('read_only');
  });

  it('with --auth token, writes with the caller token and refuses calls without one', async () => {
    expect((await getJson(`${tokenAuth.url}/api/namespaces`)).status).toBe(401);
    const url = `${tokenAuth.url}/api/istio/bookinfo/virtualservices/reviews`;
    const current = await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'json',
    ]);
    const put = (token: string) =>
      getJson(`${url}?dryRun=true`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: current,
      });
    expect((await put(sim.tokens.viewer)).status).toBe(403);
    expect((await put(sim.tokens.admin)).status).toBe(200);
    const { body } = await getJson(`${tokenAuth.url}/api/auth/info`, {
      headers: { authorization: `Bearer ${sim.tokens.admin}` },
    });
    expect(AuthInfo.parse(body)).toMatchObject({
      strategy: 'token',
      permissions: { bookinfo: { canEdit: true } },
    });
  });

  it('lists services and workloads with their sidecars', async () => {
    const { body } = await getJson(`${admin.url}/api/workloads?namespace=curl`);
    expect(body).toMatchObject({ workloads: [{ name: 'curl', hasSidecar: false }] });
    const { body: w } = await getJson(`${admin.url}/api/workloads/bookinfo/reviews-v2`);
    expect(w).toMatchObject({ name: 'reviews-v2', hasSidecar: true, services: ['reviews'] });
    const { status, body: svc } = await getJson(`${admin.url}/api/services/bookinfo/reviews`);
    expect(status).toBe(200);
    expect(svc).toMatchObject({ name: 'reviews', workloads: ['reviews-v1', 'reviews-v2', 'reviews-v3'] });
    expect((await getJson(`${admin.url}/api/services/bookinfo/nope`)).status).toBe(404);
  });

  it('is ready once the informers synced', async () => {
    expect((await getJson(`${admin.url}/readyz`)).status).toBe(200);
    expect(await readFile(sim.kubeconfig, 'utf8')).toContain(VIEWER_CONTEXT);
  });
});

describe('when Prometheus is gone', () => {
  it('answers from configuration alone with a warning, not a 500', async () => {
    await prom.stop();
    // Answers already fetched are shared for the rest of their 5 s bucket; then the failure shows.
    const g = await waitFor(
      async () => {
        const r = await graph(admin);
        return r.telemetrySource === 'none' && r;
      },
      { timeoutMs: 10_000, what: 'a configuration-only graph' },
    );
    expect(g.warnings.map((w) => w.code)).toEqual(['telemetry_down']);
    expect(g.warnings[0]?.message).toContain('Prometheus');
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toContain('svc:bookinfo:reviews');
    expect(ids).toContain('app:bookinfo:reviews:v3');
    expect(g.nodes.every((n) => n.isIdle === true || n.isBox === true || n.nodeType === 'service')).toBe(
      true,
    );
  });
});
