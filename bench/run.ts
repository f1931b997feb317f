/**
 * `pnpm bench [graph|load]` (both when none is named). `graph`: graph latency of the Sextant server on the simulated scale mesh, next to the
 * time Prometheus alone takes for the same PromQL (the ratio is Sextant's own cost), the
 * PromQL queries per graph request, and the server's resident memory. Figures, not pass/fail.
 *
 * The server (`sextant serve`) and the simulator (`mesh-sim`) run as their own processes, so the
 * server's RSS is its own and the simulator's work does not stall this process's timers.
 * `load`: 100 users and 100 event streams, with and without shared PromQL (bench/load.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { ADMIN_CONTEXT, startPrometheus } from '@sextant/mesh-sim';
import { latencyQuery, PromClient, requestsQuery, tcpQuery } from '@sextant/server';
import { loadBench } from './load';
import { meshSimDir, rssMiB, serverDir, spawnCli, stopChild, waitFor } from './processes';

interface Size {
  label: string;
  namespaces: number;
  services: number;
  /** Rendering 1,000 workloads' series takes seconds: scrape less often than the scrape lasts. */
  scrapeIntervalSeconds: number;
}

const SIZES: Size[] = [
  { label: '~100 workloads', namespaces: 5, services: 15, scrapeIntervalSeconds: 5 },
  { label: '~1,000 workloads', namespaces: 25, services: 30, scrapeIntervalSeconds: 15 },
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** e.g. BENCH_SIZES=1000 to run one size. */
const ONLY = process.env.BENCH_SIZES?.split(',');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

interface Row {
  size: string;
  workloads: number;
  nodes: number;
  edges: number;
  graphMs: number;
  promMs: number;
  ratio: number;
  /** Inside the server: waiting for the three queries (incl. parsing), then graph + JSON. */
  serverTelemetryMs: number;
  serverGraphMs: number;
  queries: number;
  rssMiB: number;
}

async function benchSize(size: Size): Promise<Row> {
  process.stderr.write(`\n== ${size.label}: ${size.namespaces} namespaces × ${size.services} services\n`);
  const sim = await spawnCli(
    meshSimDir,
    [
      '--scenario',
      'scale',
      '--namespaces',
      String(size.namespaces),
      '--services',
      String(size.services),
      '--seed',
      '1',
    ],
    /^(\{.*"metricsUrl".*\})$/m,
  );
  const simInfo = JSON.parse(sim.match[1] ?? '{}') as { metricsUrl: string; kubeconfig: string };
  let prom: { url: string; stop(): Promise<void> } | undefined;
  let server: { child: ChildProcess; url: string } | undefined;
  try {
    prom = await startPrometheus({
      scrapeUrls: [simInfo.metricsUrl],
      scrapeIntervalSeconds: size.scrapeIntervalSeconds,
    });
    const namespaces = Array.from({ length: size.namespaces }, (_, i) => `scale-${i}`);
    const client = new PromClient({ url: prom.url, timeoutMs: 60_000 });
    process.stderr.write('   waiting for rates in Prometheus…\n');
    await waitFor(
      async () =>
        ((await client.query('count(rate(istio_requests_total[1m]) > 0)'))[0]?.value ?? 0) > 0 || undefined,
      300_000,
      'traffic rates in Prometheus',
    );
    const started = await spawnCli(
      serverDir,
      // The bench measures the full graph, so it waits for Prometheus however long it takes.
      [
        'serve',
        '--kubeconfig',
        simInfo.kubeconfig,
        '--context',
        ADMIN_CONTEXT,
        '--prometheus-url',
        prom.url,
        '--port',
        '0',
        '--prometheus-timeout',
        '120',
        // Each round must cost its queries: shared answers would time the cache, not the graph.
        '--no-query-coalescing',
      ],
      /serving on (http:\/\/\S+)/,
    );
    server = { child: started.child, url: started.match[1] ?? '' };
    const inventory = (await (await fetch(`${server.url}/api/workloads`)).json()) as {
      workloads: { namespace: string }[];
    };
    const workloads = inventory.workloads.filter((w) => w.namespace.startsWith('scale-')).length;
    const url = `${server.url}/api/graph?namespaces=${namespaces.join(',')}&graphType=versionedApp&duration=60s`;

    const graphTimes: number[] = [];
    const telemetryTimes: number[] = [];
    const buildTimes: number[] = [];
    let queries = 0;
    let nodes = 0;
    let edges = 0;
    for (let i = 0; i < ROUNDS + 2; i++) {
      const t0 = performance.now();
      const res = await fetch(url);
      const body = (await res.json()) as {
        nodes: unknown[];
        edges: unknown[];
        warnings: { code: string; message: string }[];
      };
      const ms = performance.now() - t0;
      // Config findings (e.g. calls into a namespace outside the mesh) are expected on the scale
      // mesh; a telemetry warning means the figure would time a configuration-only graph.
      if (!res.ok || body.warnings.some((w) => w.code.includes('telemetry')))
        throw new Error(`graph failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      queries = Number(res.headers.get('x-sextant-prom-queries'));
      const timing = res.headers.get('server-timing') ?? '';
      const dur = (name: string): number =>
        Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? NaN);
      if (i >= 2) {
        telemetryTimes.push(dur('telemetry'));
        buildTimes.push(dur('graph'));
      }
      nodes = body.nodes.length;
      edges = body.edges.length;
      if (i >= 2) graphTimes.push(ms); // two warm-up rounds
    }

    const promUrl = prom.url;
    // The same three queries straight to Prometheus, in parallel as the server sends them.
    const promTimes: number[] = [];
    for (let i = 0; i < ROUNDS + 2; i++) {
      const t0 = performance.now();
      // Body read as text, not parsed: this process also runs the simulator, and parsing here
      // would charge its CPU contention to Prometheus.
      await Promise.all(
        [requestsQuery, latencyQuery, tcpQuery].map(async (q) => {
          const res = await fetch(`${promUrl}/api/v1/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ query: q(namespaces, 60) }),
          });
          if (!res.ok) throw new Error(`Prometheus answered ${res.status}`);
          await res.text();
        }),
      );
      if (i >= 2) promTimes.push(performance.now() - t0);
    }
    const graphMs = median(graphTimes);
    const promMs = median(promTimes);
    return {
      size: size.label,
      workloads,
      nodes,
      edges,
      graphMs,
      promMs,
      ratio: graphMs / promMs,
      serverTelemetryMs: median(telemetryTimes),
      serverGraphMs: median(buildTimes),
      queries,
      rssMiB: server.child.pid ? await rssMiB(server.child.pid) : NaN,
    };
  } finally {
    if (server) await stopChild(server.child);
    await prom?.stop();
    await stopChild(sim.child);
  }
}

const header = [
  'size',
  'workloads',
  'nodes',
  'edges',
  'graph ms (median)',
  'Prometheus ms',
  'ratio',
  'in server: queries ms',
  'in server: graph ms',
  'PromQL/request',
  'server RSS MiB',
];
const cells = (r: Row): string[] => [
  r.size,
  String(r.workloads),
  String(r.nodes),
  String(r.edges),
  r.graphMs.toFixed(1),
  r.promMs.toFixed(1),
  `${r.ratio.toFixed(2)}×`,
  r.serverTelemetryMs.toFixed(1),
  r.serverGraphMs.toFixed(1),
  String(r.queries),
  r.rssMiB.toFixed(0),
];
async function graphBench(): Promise<boolean> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    if (ONLY && !ONLY.includes(size.label.replace(/[~,]/g, '').split(' ')[0] ?? '')) continue;
    try {
      const row = await benchSize(size);
      rows.push(row);
      process.stderr.write(`   ${header.map((h, i) => `${h}: ${cells(row)[i] ?? ''}`).join(', ')}\n`);
    } catch (err) {
      process.stderr.write(`   ${size.label} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  const table = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    `\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}\n`,
  );
  process.stdout.write(
    `\n${ROUNDS} timed rounds each after 2 warm-ups; graph = versionedApp over every scale namespace, 60s window.\n` +
      'The simulator, Prometheus and the server share these cores with other work: compare ratios, not absolute times.\n',
  );
  return rows.length > 0;
}

const which = process.argv[2];
if (which !== undefined && which !== 'graph' && which !== 'load') {
  process.stderr.write(`pnpm bench [graph|load]: unknown bench "${which}"\n`);
  process.exit(2);
}
let ok = true;
if (which !== 'load') ok = (await graphBench()) && ok;
if (which !== 'graph') ok = (await loadBench()) && ok;
if (!ok) process.exitCode = 1;
