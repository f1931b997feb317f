import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src';
import type { MeshSim } from '../src';
import { startPrometheus } from '../src/prometheus';
import type { RunningPrometheus } from '../src/prometheus';
import { promQuery } from './helpers/promQuery';
import type { VectorResult } from './helpers/promQuery';
import { waitFor } from './helpers/waitFor';

/**
 * The loop the console relies on, with real parts only: the simulator's traffic reacts to Istio
 * config applied with the real kubectl, and a real Prometheus scraping it every second sees it.
 */

const run = promisify(execFile);
const NETWORKING = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../fixtures/istio/bookinfo/networking',
);
/** Window for split measurements: ~23 rps reach reviews, so ~900 requests → σ ≈ 1.7 points at 50/50. */
const WINDOW_S = 40;

describe('bookinfo traffic seen by a real Prometheus', () => {
  let sim: MeshSim;
  let prometheus: RunningPrometheus;
  let cacheDir: string;

  async function kubectl(...args: string[]): Promise<string> {
    const { stdout } = await run(
      '/usr/bin/kubectl',
      ['--kubeconfig', sim.kubeconfig, '--cache-dir', cacheDir, ...args],
      {
        timeout: 30_000,
      },
    );
    return stdout;
  }

  /** Applies a fixture and returns the time (s) from which the new config surely drives traffic. */
  async function apply(file: string, namespace = 'bookinfo'): Promise<number> {
    await kubectl('apply', '-n', namespace, '-f', file);
    // The engine picks changes up at its next tick (250 ms); one second of margin.
    return Date.now() / 1000 + 1;
  }

  const query = (promql: string, time?: number): Promise<VectorResult[]> =>
    promQuery(prometheus.url, promql, time);

  /** Waits until Prometheus holds a scrape at or after `time` (s), so a window ending there is complete. */
  async function scrapedPast(time: number, timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const latest = Number((await query('max(timestamp(up))'))[0]?.value[1] ?? 0);
        return latest >= time ? true : undefined;
      },
      { intervalMs: 500, timeoutMs },
    );
  }

  /** Share (percent) per destination_version of reviews requests in the window ending at `end`. */
  async function reviewsSplit(end: number, windowS: number): Promise<Record<string, number>> {
    const rows = await query(
      `sum by (destination_version) (increase(istio_requests_total{reporter="destination",destination_service_name="reviews"}[${windowS}s]))`,
      end,
    );
    const total = rows.reduce((sum, r) => sum + Number(r.value[1]), 0);
    const split: Record<string, number> = {};
    for (const row of rows) {
      const version = row.metric.destination_version ?? '?';
      const value = Number(row.value[1]);
      if (value > 0) split[version] = (100 * value) / total;
    }
    return split;
  }

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'sextant-kubectl-cache-'));
    sim = await startMeshSim({ scenario: 'bookinfo', seed: 11 });
    prometheus = await startPrometheus({ scrapeUrls: [sim.metricsUrl], scrapeIntervalSeconds: 1 });
    await waitFor(async () => ((await query('istio_requests_total')).length > 0 ? true : undefined), {
      intervalMs: 500,
      timeoutMs: 30_000,
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sim?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('exports every standard label on both reporters', async () => {
    const h = [
      'reporter',
      ...['source', 'destination'].flatMap((side) =>
        [
          'workload',
          'workload_namespace',
          'principal',
          'app',
          'version',
          'canonical_service',
          'canonical_revision',
          'cluster',
        ].map((l) => `${side}_${l}`),
      ),
      'destination_service',
      'destination_service_name',
      'destination_service_namespace',
      'request_protocol',
      'response_code',
      'grpc_response_status',
      'response_flags',
      'connection_security_policy',
    ];
    const scrape = ['namespace', 'pod', 'app', 'version'];
    for (const metric of [
      'istio_requests_total',
      'istio_request_duration_milliseconds_bucket',
      'istio_request_bytes_bucket',
      'istio_response_bytes_bucket',
    ]) {
      const rows = await query(
        `${metric}{destination_workload="reviews-v1",source_workload="productpage-v1"}`,
      );
      const reporters = new Set(rows.map((r) => r.metric.reporter));
      expect(reporters, metric).toEqual(new Set(['source', 'destination']));
      for (const row of rows) {
        // grpc_response_status is "" for plain HTTP, and Prometheus drops empty labels.
        const expected = h.filter((l) => l !== 'grpc_response_status');
        expect(Object.keys(row.metric), metric).toEqual(expect.arrayContaining([...expected, ...scrape]));
      }
    }
    const buckets = await query(
      'count by (le) (istio_request_duration_milliseconds_bucket{reporter="destination"})',
    );
    const le = (v: string | undefined): number => (v === '+Inf' ? Infinity : Number(v));
    expect(buckets.map((b) => b.metric.le).sort((a, b) => le(a) - le(b))).toEqual([
      '0.5',
      '1',
      '5',
      '10',
      '25',
      '50',
      '100',
      '250',
      '500',
      '1000',
      '2500',
      '5000',
      '10000',
      '30000',
      '60000',
      '300000',
      '600000',
      '1800000',
      '3600000',
      '+Inf',
    ]);
  });

  it('carries a gRPC and a TCP edge in the boutique shop next to bookinfo, with Istio labels', async () => {
    const grpc = await waitFor(
      async () => {
        const rows = await query(
          'sum by (reporter, source_workload, destination_workload, grpc_response_status, response_code) (istio_requests_total{destination_service_namespace="boutique",request_protocol="grpc"})',
        );
        return rows.length >= 2 ? rows : undefined;
      },
      { intervalMs: 500, timeoutMs: 20_000 },
    );
    for (const reporter of ['source', 'destination'])
      expect(grpc.map((r) => r.metric)).toContainEqual({
        reporter,
        source_workload: 'frontend-v1',
        destination_workload: 'cartservice-v1',
        grpc_response_status: '0',
        response_code: '200',
      });
    for (const metric of [
      'istio_tcp_connections_opened_total',
      'istio_tcp_connections_closed_total',
      'istio_tcp_sent_bytes_total',
      'istio_tcp_received_bytes_total',
    ]) {
      const rows = await query(
        `sum by (reporter, source_workload, destination_workload, connection_security_policy) (${metric}{destination_service_name="redis-cart",request_protocol="tcp"})`,
      );
      expect(
        rows.map((r) => r.metric).sort((a, b) => (a.reporter ?? '').localeCompare(b.reporter ?? '')),
        metric,
      ).toEqual([
        {
          reporter: 'destination',
          source_workload: 'cartservice-v1',
          destination_workload: 'redis-cart-v1',
          connection_security_policy: 'mutual_tls',
        },
        {
          reporter: 'source',
          source_workload: 'cartservice-v1',
          destination_workload: 'redis-cart-v1',
          connection_security_policy: 'unknown',
        },
      ]);
      for (const row of rows) expect(Number(row.value[1]), metric).toBeGreaterThan(0);
    }
    // The bookinfo namespace holds what it held.
    expect(
      (await kubectl('get', 'deploy', '-n', 'bookinfo', '-o', 'name')).trim().split('\n').sort(),
    ).toEqual([
      'deployment.apps/details-v1',
      'deployment.apps/productpage-v1',
      'deployment.apps/ratings-v1',
      'deployment.apps/reviews-v1',
      'deployment.apps/reviews-v2',
      'deployment.apps/reviews-v3',
    ]);
  });

  it('tells the plaintext curl traffic from the mTLS traffic', async () => {
    const rows = await query(
      'sum by (source_workload, connection_security_policy, source_principal) (istio_requests_total{reporter="destination",destination_workload="productpage-v1"})',
    );
    const byPolicy = new Map(rows.map((r) => [r.metric.connection_security_policy, r.metric]));
    expect(byPolicy.get('mutual_tls')).toMatchObject({
      source_workload: 'istio-ingressgateway',
      source_principal: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    });
    // curl has no sidecar: the server side cannot name it, as in Istio.
    expect(byPolicy.get('none')).toMatchObject({ source_workload: 'unknown', source_principal: 'unknown' });
    // …and no proxy reports on curl's side.
    expect(await query('istio_requests_total{reporter="source",namespace="curl"}')).toEqual([]);
  });

  it(
    'follows virtual-service-reviews-90-10.yaml, then virtual-service-reviews-50-v3.yaml, within ±5 points',
    async () => {
      let from = await apply(join(NETWORKING, 'virtual-service-reviews-90-10.yaml'));
      await scrapedPast(from + WINDOW_S, (WINDOW_S + 20) * 1000);
      const first = await reviewsSplit(from + WINDOW_S, WINDOW_S);
      expect(Object.keys(first).sort()).toEqual(['v1', 'v2']);
      expect(Math.abs((first.v1 ?? 0) - 90)).toBeLessThanOrEqual(5);

      from = await apply(join(NETWORKING, 'virtual-service-reviews-50-v3.yaml'));
      await scrapedPast(from + WINDOW_S, (WINDOW_S + 20) * 1000);
      const second = await reviewsSplit(from + WINDOW_S, WINDOW_S);
      expect(Object.keys(second).sort()).toEqual(['v1', 'v3']);
      expect(Math.abs((second.v1 ?? 0) - 50)).toBeLessThanOrEqual(5);
    },
    3 * (WINDOW_S + 20) * 1000,
  );

  it("virtual-service-ratings-test-delay.yaml raises jason's latency to ratings", async () => {
    // Istio's fault-injection task: jason → reviews-v2 (which calls ratings), then delay jason by 7 s.
    await apply(join(NETWORKING, 'virtual-service-reviews-test-v2.yaml'));
    const from = await apply(join(NETWORKING, 'virtual-service-ratings-test-delay.yaml'));
    const windowS = 15;
    await scrapedPast(from + windowS, (windowS + 20) * 1000);
    const p50 = async (workload: string): Promise<number> => {
      const rows = await query(
        `histogram_quantile(0.5, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="source",source_workload="${workload}",destination_service_name="ratings"}[${windowS}s])))`,
        from + windowS,
      );
      return Number(rows[0]?.value[1] ?? NaN);
    };
    // reviews-v2 now serves only jason, and every jason request to ratings waits 7 s.
    expect(await p50('reviews-v2')).toBeGreaterThan(5000);
    const delayed = await query(
      `sum(increase(istio_requests_total{reporter="source",source_workload="reviews-v2",destination_service_name="ratings",response_flags="DI"}[${windowS}s]))`,
      from + windowS,
    );
    expect(Number(delayed[0]?.value[1] ?? 0)).toBeGreaterThan(0);
    // productpage gives up on reviews after 3 s (its own timeout), so jason sees reviews fail.
    const givenUp = await query(
      `sum(increase(istio_requests_total{reporter="source",source_workload="productpage-v1",destination_workload="reviews-v2",response_code="0"}[${windowS}s]))`,
      from + windowS,
    );
    expect(Number(givenUp[0]?.value[1] ?? 0)).toBeGreaterThan(0);
  }, 60_000);

  it('STRICT PeerAuthentication stops the curl traffic to productpage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sextant-pa-'));
    const file = join(dir, 'strict.yaml');
    await writeFile(
      file,
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n',
    );
    try {
      const windowS = 10;
      const plaintext = `sum(increase(istio_requests_total{reporter="destination",destination_workload="productpage-v1",connection_security_policy="none"}[${windowS}s]))`;
      const mtls = `sum(increase(istio_requests_total{reporter="destination",destination_workload="productpage-v1",connection_security_policy="mutual_tls"}[${windowS}s]))`;
      // Before: curl's plaintext requests reach productpage (waits for enough samples after a cold start).
      await waitFor(async () => (Number((await query(plaintext))[0]?.value[1] ?? 0) > 0 ? true : undefined), {
        intervalMs: 500,
        timeoutMs: 30_000,
      });

      const from = await apply(file);
      await scrapedPast(from + windowS, (windowS + 20) * 1000);
      expect(Number((await query(plaintext, from + windowS))[0]?.value[1] ?? 0)).toBe(0);
      expect(Number((await query(mtls, from + windowS))[0]?.value[1] ?? 0)).toBeGreaterThan(50);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
