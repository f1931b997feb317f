import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim, startPrometheus } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { GraphResponse, hasFailureFlag, splitFlags } from '@sextant/shared';
import type { GraphEdge, GraphType } from '@sextant/shared';
import { buildGraph } from '../src/mesh/graph/index';
import { PromClient } from '../src/prom/client';
import { PrometheusSource } from '../src/prom/prometheusSource';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger, waitFor } from './helpers';
import { kialiGraph } from './kiali/reference';

// The failures of issue #11 injected into the simulated bookinfo, read back from the graph as a
// person reads them. One simulator, one real Prometheus (1 s scrapes) and one server for the file;
// short windows so each change shows within seconds; every wait has a deadline and every figure a
// range derived from the configured percentage.
const WINDOW = '8s';
const DEADLINE_MS = 45_000;
const fixture = (path: string): string =>
  fileURLToPath(new URL(`../../../fixtures/istio/${path}`, import.meta.url));

let sim: MeshSim;
let prom: { url: string; stop(): Promise<void> };
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: true, seed: 11 });
  prom = await startPrometheus({ scrapeUrls: [sim.metricsUrl], scrapeIntervalSeconds: 1 });
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    prometheusUrl: prom.url,
    graphTimeoutMs: 10_000,
  });
  dir = await mkdtemp(join(tmpdir(), 'sextant-faults-'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await prom?.stop();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const apply = async (yaml: string): Promise<void> => {
  const file = join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', 'bookinfo', 'apply', '-f', file]);
};
const applyFixture = (path: string) =>
  kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', 'bookinfo', 'apply', '-f', fixture(path)]);

// Every test starts from bookinfo as the simulator seeds it.
afterEach(async () => {
  await applyFixture('bookinfo/networking/virtual-service-reviews-80-20.yaml');
  await applyFixture('bookinfo/networking/destination-rule-all.yaml');
  for (const [kind, name] of [
    ['virtualservice', 'details'],
    ['peerauthentication', 'default'],
  ] as const)
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'delete',
      kind,
      name,
      '--ignore-not-found',
    ]);
});

async function graph(graphType: GraphType = 'versionedApp'): Promise<GraphResponse> {
  const { status, body } = await getJson(
    `${server.url}/api/graph?namespaces=bookinfo,curl&graphType=${graphType}&duration=${WINDOW}`,
  );
  expect(status).toBe(200);
  return GraphResponse.parse(body);
}

/** Waits until the edge satisfies `ok`; the timeout message carries the last edge seen. */
async function edgeWhen(id: string, ok: (e: GraphEdge) => boolean, what: string): Promise<GraphEdge> {
  let last: GraphEdge | undefined;
  try {
    return await waitFor(
      async () => {
        const g = await graph();
        last = g.edges.find((e) => e.id === id);
        return last && ok(last) ? last : undefined;
      },
      { timeoutMs: DEADLINE_MS, intervalMs: 1000, what },
    );
  } catch (err) {
    throw new Error(`${String(err)}; last ${id}: ${JSON.stringify(last)}`);
  }
}

const share = (e: GraphEdge, flag: string): number =>
  e.rps > 0
    ? Object.entries(e.byFlag ?? {})
        .filter(([f]) => splitFlags(f).includes(flag))
        .reduce((s, [, v]) => s + v, 0) / e.rps
    : 0;
const codeShare = (e: GraphEdge, code: string): number => (e.rps > 0 ? (e.byCode?.[code] ?? 0) / e.rps : 0);

const PP_REVIEWS = 'app:bookinfo:productpage:v1->svc:bookinfo:reviews';
const reviewsVs = (http: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
${http}`;

// First in the file, so the window holds only the seeded mesh and this test's own fault.
describe('the same graph as Kiali draws from the same Prometheus data', () => {
  it('same nodes and edges; rates within 5 %, shares, error rates and mTLS within 2 points, in all four graph types, HTTP, gRPC and TCP', async () => {
    await apply(
      reviewsVs(`  - fault:
      abort:
        percentage: { value: 30 }
        httpStatus: 503
    route:
    - destination: { host: reviews, subset: v1 }
      weight: 50
    - destination: { host: reviews, subset: v2 }
      weight: 50
`),
    );
    await edgeWhen(PP_REVIEWS, (x) => share(x, 'FI') > 0.2, 'FI on productpage → reviews');
    // The boutique's own load (gRPC and TCP) in Prometheus too, before reading both graphs.
    await waitFor(
      async () => {
        const { body } = await getJson(`${server.url}/api/graph?namespaces=boutique&duration=${WINDOW}`);
        const protocols = new Set(
          GraphResponse.parse(body)
            .edges.filter((e) => e.rps > 0)
            .map((e) => e.protocol),
        );
        return protocols.has('grpc') && protocols.has('tcp');
      },
      { timeoutMs: DEADLINE_MS, intervalMs: 1000, what: 'gRPC and TCP traffic in the boutique' },
    );
    const client = new PromClient({ url: prom.url, timeoutMs: 10_000 });
    const source = new PrometheusSource(client);
    const windowSeconds = 20;
    for (const namespace of ['bookinfo', 'boutique']) {
      // One evaluation time for both readings, a little in the past so every scrape has landed
      // (on a loaded machine Prometheus can lag: then a later time is taken, within the deadline).
      const { time, telemetry } = await waitFor(
        async () => {
          const at = Math.floor(Date.now() / 1000) - 2;
          const read = await source.fetch({
            namespaces: [namespace],
            windowSeconds,
            timeoutMs: 10_000,
            time: at,
          });
          return read.telemetry.requests.length > 0 &&
            (namespace !== 'boutique' || read.telemetry.tcp.length > 0)
            ? { time: at, telemetry: read.telemetry }
            : undefined;
        },
        { timeoutMs: DEADLINE_MS, intervalMs: 1000, what: `${namespace} requests and TCP in Prometheus` },
      );
      const config = server.cache.meshConfig();
      for (const graphType of ['versionedApp', 'app', 'workload', 'service'] as const) {
        const ours = buildGraph(telemetry, config, {
          graphType,
          namespaces: [namespace],
          injectServiceNodes: true,
          idleNodes: false,
        });
        const kiali = await kialiGraph(client, {
          namespace,
          graphType,
          injectServiceNodes: true,
          windowSeconds,
          time,
        });
        // Sextant draws requests that reached no workload into an unknown destination where Kiali
        // leaves them on the caller's edge (which both count); compare everything else.
        const unrouted = (id: string): boolean => id.startsWith('unknown-dest:');
        const ourNodes = ours.nodes
          .filter((n) => !n.isBox && !unrouted(n.id))
          .map((n) => n.id)
          .sort();
        const kialiNodes = [...kiali.nodes.keys()].filter((id) => !unrouted(id)).sort();
        const at = `${namespace} ${graphType}`;
        expect({ at, nodes: ourNodes }).toEqual({ at, nodes: kialiNodes });
        const ourEdges = new Map(
          ours.edges
            .filter((e) => !unrouted(e.target) && !e.isIdle)
            .map((e) => [`${e.source}->${e.target}:${e.protocol}`, e]),
        );
        const kialiEdges = new Map([...kiali.edges].filter(([, e]) => !unrouted(e.target)));
        expect({ at, edges: [...ourEdges.keys()].sort() }).toEqual({
          at,
          edges: [...kialiEdges.keys()].sort(),
        });
        expect(ourEdges.size, `${at} edges`).toBeGreaterThan(1);
        for (const [key, k] of kialiEdges) {
          const o = ourEdges.get(key);
          if (!o) continue;
          const edge = `${at} ${key}`;
          if (o.protocol === 'tcp') {
            // Kiali's TCP rate is the bytes the destination sent back: Sextant's received side.
            const back = o.tcpBytesReceivedPerSecond ?? 0;
            expect(Math.abs(back - k.rps) / k.rps, `${edge} bytes ${back} vs ${k.rps}`).toBeLessThanOrEqual(
              0.05,
            );
            continue;
          }
          expect(Math.abs(o.rps - k.rps) / k.rps, `${edge} rps ${o.rps} vs ${k.rps}`).toBeLessThanOrEqual(
            0.05,
          );
          expect(
            Math.abs(o.errorRate * 100 - (k.errorRps / k.rps) * 100),
            `${edge} error rate`,
          ).toBeLessThanOrEqual(2);
          expect(Math.abs(o.percentOfSource - k.percentOfSource), `${edge} share`).toBeLessThanOrEqual(2);
          expect(Math.abs(o.mtlsPercent - k.mtlsPercent), `${edge} mTLS`).toBeLessThanOrEqual(2);
        }
        if (namespace === 'boutique')
          expect([...ourEdges.values()].map((e) => e.protocol)).toEqual(
            expect.arrayContaining(['grpc', 'tcp']),
          );
      }
    }
  });
});

describe('the graph shows what the proxies saw', () => {
  it('50 % abort on reviews: productpage → reviews shows ~50 % errors with FI, the destination never saw them', async () => {
    await apply(
      reviewsVs(`  - fault:
      abort:
        percentage: { value: 50 }
        httpStatus: 503
    route:
    - destination: { host: reviews, subset: v1 }
      weight: 80
    - destination: { host: reviews, subset: v2 }
      weight: 20
`),
    );
    // Binomial over ~150 requests in the window: 50 % ± 15 points is more than 3 standard deviations.
    const e = await edgeWhen(
      PP_REVIEWS,
      (x) => share(x, 'FI') > 0.35 && share(x, 'FI') < 0.65,
      'FI on about half of productpage → reviews',
    );
    expect(e.errorRate).toBeGreaterThan(0.35);
    expect(e.errorRate).toBeLessThan(0.66);
    expect(codeShare(e, '503')).toBeGreaterThan(0.35);
    expect(e.reportedBy).toBe('source');
    // Aborted requests reached no workload: drawn into the unknown destination, not dropped.
    const g = await graph();
    const unrouted = g.edges.find((x) => x.id === 'svc:bookinfo:reviews->unknown-dest:bookinfo');
    expect(unrouted?.errorRate).toBe(1);
    expect(Object.keys(unrouted?.byFlag ?? {})).toContain('FI');
    // The destination's own view is shown apart and has (almost) no errors.
    expect(e.destinationView?.errorRate ?? 0).toBeLessThan(0.05);
  });

  it('a delay fault raises the caller’s p95', async () => {
    const before = await edgeWhen(
      PP_REVIEWS,
      (x) => (x.responseTimeMs.p95 ?? Infinity) < 200,
      'baseline p95',
    );
    expect(before.responseTimeMs.p95).toBeLessThan(200);
    await apply(
      reviewsVs(`  - fault:
      delay:
        percentage: { value: 100 }
        fixedDelay: 400ms
    route:
    - destination: { host: reviews, subset: v1 }
`),
    );
    // Every request waits 400 ms plus the service's time: p95 in (250, 500] with Istio's buckets.
    // Waits for a window holding delayed requests only (DI on every one of them).
    const e = await edgeWhen(PP_REVIEWS, (x) => share(x, 'DI') > 0.98, 'every request delayed');
    expect(e.responseTimeMs.p50).toBeGreaterThanOrEqual(250);
    expect(e.responseTimeMs.p95).toBeGreaterThanOrEqual(300);
    expect(e.responseTimeMs.p95).toBeLessThanOrEqual(1000);
    expect(e.errorRate).toBeLessThan(0.05); // a delay alone is no failure
  });

  it('a timeout shorter than the service’s latency: 504 UT on the caller’s edge', async () => {
    await apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts: [details]
  http:
  - timeout: 1ms
    route:
    - destination: { host: details }
`);
    const e = await edgeWhen(
      'app:bookinfo:productpage:v1->svc:bookinfo:details',
      (x) => codeShare(x, '504') > 0.9,
      '504 on productpage → details',
    );
    expect(share(e, 'UT')).toBeGreaterThan(0.9);
    expect(e.errorRate).toBeGreaterThan(0.9);
  });

  it('DestinationRule tls SIMPLE toward a STRICT service: errors with their flags', async () => {
    await apply(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
spec:
  mtls: { mode: STRICT }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  trafficPolicy:
    tls: { mode: SIMPLE }
  subsets:
  - name: v1
    labels: { version: v1 }
  - name: v2
    labels: { version: v2 }
`);
    const e = await edgeWhen(
      'app:bookinfo:reviews:v2->svc:bookinfo:ratings',
      (x) => x.errorRate > 0.9,
      'reviews v2 → ratings failing',
    );
    const flags = Object.entries(e.byFlag ?? {}).filter(([, v]) => v > 0);
    const failing = flags.filter(([f]) => hasFailureFlag(f)).reduce((s, [, v]) => s + v, 0);
    expect(failing / e.rps).toBeGreaterThan(0.9);
    expect(flags.flatMap(([f]) => splitFlags(f)).some((f) => ['UF', 'UC', 'URX'].includes(f))).toBe(true);
  });

  it('a route to a missing subset: no-route errors on an unknown destination', async () => {
    await apply(
      reviewsVs(`  - route:
    - destination: { host: reviews, subset: v9 }
`),
    );
    const e = await edgeWhen(
      'svc:bookinfo:reviews->unknown-dest:bookinfo',
      (x) => x.rps > 0 && share(x, 'NR') + share(x, 'NC') > 0.99,
      'NR/NC into the unknown destination',
    );
    expect(e.errorRate).toBe(1);
    const caller = await edgeWhen(PP_REVIEWS, (x) => x.errorRate > 0.9, 'productpage → reviews failing');
    expect(codeShare(caller, '503')).toBeGreaterThan(0.9);
  });

  it('plaintext callers still show mTLS 0 %, meshed ones 100 %', async () => {
    const g = await waitFor(
      async () => {
        const x = await graph();
        // Both edges carrying healthy traffic again (no earlier test's failures left in the window).
        const has = (id: string) => x.edges.some((e) => e.id === id && e.rps > 0 && e.errorRate < 0.05);
        return has('unknown->svc:bookinfo:productpage') && has(PP_REVIEWS) ? x : undefined;
      },
      { timeoutMs: DEADLINE_MS, intervalMs: 1000, what: 'curl traffic' },
    );
    expect(g.edges.find((e) => e.id === 'unknown->svc:bookinfo:productpage')?.mtlsPercent).toBe(0);
    expect(g.edges.find((e) => e.id === PP_REVIEWS)?.mtlsPercent).toBeGreaterThanOrEqual(99.5);
  });

  it('a jason rule leaves no false drift: the default route’s share is set against its weights', async () => {
    await applyFixture('bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml');
    // jason → v2, everyone else → v3: once v1 left the window, v3 carries all the default route.
    const v3 = await edgeWhen(
      'svc:bookinfo:reviews->app:bookinfo:reviews:v3',
      (x) => x.configuredWeight === 100 && (x.defaultRouteShare ?? 0) > 99,
      'v3 carrying the whole default route',
    );
    expect(v3.percentOfSource).toBeLessThan(95); // jason's share goes to v2 …
    const g = await graph();
    const v2 = g.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v2');
    expect(v2).toMatchObject({ matchRouted: true });
    expect(v2?.configuredWeight).toBeUndefined(); // … and is shown apart, with no weight to drift from.
    for (const e of g.edges)
      if (e.configuredWeight !== undefined && !e.isIdle && e.defaultRouteShare !== undefined)
        expect(Math.abs(e.defaultRouteShare - e.configuredWeight)).toBeLessThanOrEqual(10);
  });

  it('keeps the fixed number of PromQL queries per graph', async () => {
    const { headers } = await getJson(
      `${server.url}/api/graph?namespaces=bookinfo,curl,istio-system,default&duration=${WINDOW}`,
    );
    expect(Number(headers.get('x-sextant-prom-queries'))).toBeLessThanOrEqual(3);
  });
});
