/**
 * `pnpm bench load`: 100 users on the bookinfo graph with 100 open event streams, against one
 * `sextant serve` with shared PromQL (the default) and one with `--no-query-coalescing`, in one
 * run, so the figures compare as ratios. Two patterns: bursts (all 100 ask at once, every 10 s)
 * and spread (the same 100 requests per 10 s, evenly). Figures, not pass/fail.
 */
import autocannon from 'autocannon';
import type { Client, Instance, Result } from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { ADMIN_CONTEXT, startPrometheus } from '@sextant/mesh-sim';
import { ServerStatus } from '@sextant/shared';
import { meshSimDir, peakRssMiB, serverDir, spawnCli, stopChild, waitFor } from './processes';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 100);
const BURSTS = Number(process.env.BENCH_BURSTS ?? 5);
const PERIOD_S = 10;
const SPREAD_S = Number(process.env.BENCH_SPREAD_SECONDS ?? 30);

interface Figures {
  mode: 'shared' | 'unshared';
  pattern: 'burst' | 'spread';
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** 200 answers drawn from configuration only (Prometheus failed or timed out for them). */
  configOnly: number;
  promQueries: number;
  hitRate: number;
  openStreams: number;
  rssMiB: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);

/** Opens `n` Server-Sent Event streams and keeps them open; `open()` counts the ones still open. */
function openStreams(base: string, n: number): { open(): number; close(): void } {
  const requests: ClientRequest[] = [];
  let open = 0;
  for (let i = 0; i < n; i++) {
    const req = request(
      `${base}/api/events`,
      { agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode === 200) open += 1;
        res.on('data', () => undefined);
        res.on('close', () => {
          if (res.statusCode === 200) open -= 1;
        });
      },
    );
    req.on('error', () => undefined);
    req.end();
    requests.push(req);
  }
  return { open: () => open, close: () => requests.forEach((r) => r.destroy()) };
}

/** Runs autocannon, recording each response's time and whether the graph had telemetry. */
function cannon(
  options: autocannon.Options,
  latencies: number[],
  counts: { configOnly: number },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const setupClient = (client: Client) => {
      client.on('body', (body: Buffer) => {
        if (body.includes('"telemetrySource":"none"')) counts.configOnly += 1;
      });
    };
    const instance: Instance = autocannon({ ...options, setupClient }, (err: unknown, result: Result) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    );
    instance.on('response', (_client: Client, _status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
    });
  });
}

async function status(base: string): Promise<ServerStatus> {
  return ServerStatus.parse(await (await fetch(`${base}/api/status`)).json());
}

async function measure(
  base: string,
  pid: number,
  mode: Figures['mode'],
  pattern: Figures['pattern'],
  streams: { open(): number },
): Promise<Figures> {
  const url = `${base}/api/graph?namespaces=bookinfo&graphType=versionedApp&duration=60s`;
  const before = await status(base);
  const latencies: number[] = [];
  const counts = { configOnly: 0 };
  let errors = 0;
  let requests = 0;
  const tally = (r: Result) => {
    errors += r.errors + r.non2xx;
    requests += r.requests.total;
  };
  if (pattern === 'burst') {
    for (let b = 0; b < BURSTS; b++) {
      const started = Date.now();
      // Every user at once: one request on each of USERS connections.
      tally(await cannon({ url, connections: USERS, amount: USERS, timeout: 30 }, latencies, counts));
      const rest = PERIOD_S * 1000 - (Date.now() - started);
      if (rest > 0 && b < BURSTS - 1) await new Promise((r) => setTimeout(r, rest));
    }
  } else {
    // The same load spread evenly: USERS requests per period.
    tally(
      await cannon(
        { url, connections: USERS, overallRate: USERS / PERIOD_S, duration: SPREAD_S, timeout: 30 },
        latencies,
        counts,
      ),
    );
  }
  const after = await status(base);
  const sorted = latencies.sort((a, b) => a - b);
  const lookups = (s: ServerStatus) => {
    const q = s.queryCache;
    return q
      ? { hits: q.hits + q.inFlightJoins, all: q.hits + q.inFlightJoins + q.misses }
      : { hits: 0, all: 0 };
  };
  const l0 = lookups(before);
  const l1 = lookups(after);
  return {
    mode,
    pattern,
    requests,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    errors,
    configOnly: counts.configOnly,
    promQueries: after.promQueries - before.promQueries,
    hitRate: l1.all - l0.all > 0 ? (l1.hits - l0.hits) / (l1.all - l0.all) : 0,
    openStreams: streams.open(),
    rssMiB: await peakRssMiB(pid),
  };
}

async function runMode(
  mode: Figures['mode'],
  sim: { kubeconfig: string },
  promUrl: string,
): Promise<Figures[]> {
  process.stderr.write(`\n== ${mode === 'shared' ? 'shared queries (default)' : '--no-query-coalescing'}\n`);
  let server: ChildProcess | undefined;
  let streams: ReturnType<typeof openStreams> | undefined;
  try {
    const started = await spawnCli(
      serverDir,
      [
        'serve',
        '--kubeconfig',
        sim.kubeconfig,
        '--context',
        ADMIN_CONTEXT,
        '--prometheus-url',
        promUrl,
        '--port',
        '0',
        // Long enough that a pile-up shows as latency, not as configuration-only answers.
        '--prometheus-timeout',
        '10',
        ...(mode === 'unshared' ? ['--no-query-coalescing'] : []),
      ],
      /serving on (http:\/\/\S+)/,
    );
    server = started.child;
    const base = started.match[1] ?? '';
    const url = `${base}/api/graph?namespaces=bookinfo&duration=60s`;
    await waitFor(
      async () => {
        const body = (await (await fetch(url)).json()) as { telemetrySource?: string; edges: unknown[] };
        return (body.telemetrySource === 'prometheus' && body.edges.length > 0) || undefined;
      },
      120_000,
      'bookinfo traffic in the graph',
    );
    streams = openStreams(base, STREAMS);
    const s = streams;
    await waitFor(
      async () => (s.open() === STREAMS ? true : undefined),
      30_000,
      `${STREAMS} open event streams`,
    );
    const pid = server.pid ?? 0;
    const rows: Figures[] = [];
    for (const pattern of ['burst', 'spread'] as const) {
      process.stderr.write(`   ${pattern}…\n`);
      rows.push(await measure(base, pid, mode, pattern, s));
    }
    return rows;
  } finally {
    streams?.close();
    if (server) await stopChild(server);
  }
}

export async function loadBench(): Promise<boolean> {
  process.stderr.write(
    `\n== load: ${USERS} users on the bookinfo graph, ${STREAMS} open event streams; ${BURSTS} bursts every ${PERIOD_S} s, then ${SPREAD_S} s spread\n`,
  );
  const sim = await spawnCli(
    meshSimDir,
    ['--scenario', 'bookinfo', '--seed', '1'],
    /^(\{.*"metricsUrl".*\})$/m,
  );
  const simInfo = JSON.parse(sim.match[1] ?? '{}') as { metricsUrl: string; kubeconfig: string };
  let prom: { url: string; stop(): Promise<void> } | undefined;
  const rows: Figures[] = [];
  try {
    prom = await startPrometheus({ scrapeUrls: [simInfo.metricsUrl], scrapeIntervalSeconds: 2 });
    for (const mode of ['shared', 'unshared'] as const)
      rows.push(...(await runMode(mode, simInfo, prom.url)));
  } finally {
    await prom?.stop();
    await stopChild(sim.child);
  }
  printTable(rows);
  return rows.length > 0;
}

function printTable(rows: Figures[]): void {
  const header = [
    'queries shared',
    'pattern',
    'requests',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'errors',
    'config-only',
    'PromQL sent',
    'PromQL/request',
    'hit rate',
    'open streams',
    'peak RSS MiB',
  ];
  const cells = (r: Figures): string[] => [
    r.mode === 'shared' ? 'yes' : 'no',
    r.pattern,
    String(r.requests),
    r.p50.toFixed(0),
    r.p95.toFixed(0),
    r.p99.toFixed(0),
    r.max.toFixed(0),
    String(r.errors),
    String(r.configOnly),
    String(r.promQueries),
    (r.promQueries / Math.max(1, r.requests)).toFixed(2),
    `${(r.hitRate * 100).toFixed(1)} %`,
    String(r.openStreams),
    r.rssMiB.toFixed(0),
  ];
  const table = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    `\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}\n`,
  );
  const ratio = (pattern: Figures['pattern'], f: (r: Figures) => number): string => {
    const on = rows.find((r) => r.mode === 'shared' && r.pattern === pattern);
    const off = rows.find((r) => r.mode === 'unshared' && r.pattern === pattern);
    return on && off && f(on) > 0 ? `${(f(off) / f(on)).toFixed(1)}×` : 'n/a';
  };
  process.stdout.write(
    '\nWithout sharing ÷ with sharing (same run, same machine):\n' +
      (['burst', 'spread'] as const)
        .map(
          (p) =>
            `  ${p}: p99 ${ratio(p, (r) => r.p99)}, p95 ${ratio(p, (r) => r.p95)}, PromQL sent ${ratio(p, (r) => r.promQueries)}, peak RSS ${ratio(p, (r) => r.rssMiB)}`,
        )
        .join('\n') +
      '\nThe simulator, Prometheus, the server and the load generator share these cores: compare ratios, not absolute times.\n',
  );
}
