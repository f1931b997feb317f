/**
 * `sextant dashboard` and `discoverPrometheus` against mesh-sim, whose istio-system prometheus
 * pods stand for a real Prometheus when port-forwarded to (`podEndpoints`). The CLI runs as a
 * real process; port-forwards go through client-node's WebSocket PortForward.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim, startPrometheus, VIEWER_CONTEXT } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { GraphResponse } from '@sextant/shared';
import { discoverPrometheus, prometheusForServe } from '../src/dashboard';
import type { DiscoveredPrometheus } from '../src/dashboard';
import { loadKubeConfig } from '../src/kube/config';
import { KubeConfig, startPortForward } from '../src/kube/portForward';
import type { PortForwardError } from '../src/kube/portForward';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, silentLogger, waitFor } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'apps/server/src/cli.ts');

let sim: MeshSim;
let prom: { url: string; stop(): Promise<void> };
const simLog: string[] = [];
const cacheDir = mkdtempSync(join(tmpdir(), 'sextant-dashboard-test-'));
const running = new Set<ChildProcess>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  // Prometheus must know the simulator's metrics port, and the simulator Prometheus's port.
  const metricsPort = await freePort();
  prom = await startPrometheus({
    scrapeUrls: [`http://127.0.0.1:${metricsPort}/metrics`],
    scrapeIntervalSeconds: 1,
  });
  const promPort = new URL(prom.url).port;
  sim = await startMeshSim({
    scenario: 'bookinfo',
    metricsPort,
    seed: 3,
    podEndpoints: [`istio-system/prometheus:9090=127.0.0.1:${promPort}`],
    log: (line) => simLog.push(line),
  });
});

afterAll(async () => {
  // tsx runs the CLI in a child process: end the whole group, or the child outlives the test.
  for (const child of running) killGroup(child);
  await sim?.stop();
  await prom?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

function dashboard(args: string[]): Cli {
  // `node --import tsx`, not the tsx CLI: that wrapper relays SIGTERM and, when the child does not
  // acknowledge within 30 ms (a loaded machine), kills it and exits 143 instead of letting it stop.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'dashboard', ...args, '--kubeconfig', sim.kubeconfig],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      // A browser must never open from a test, whatever the flags say.
      env: { ...process.env, PATH: '/usr/bin:/bin', DISPLAY: '' },
    },
  );
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The URL line the command prints once it forwards. */
async function urlOf(cli: Cli): Promise<string> {
  const line = await waitFor(
    () => {
      if (cli.child.exitCode !== null) throw new Error(`exited ${cli.child.exitCode}: ${cli.stderr()}`);
      return /^(http:\/\/\S+)$/m.exec(cli.stdout())?.[1];
    },
    { timeoutMs: 30_000, what: `the dashboard URL (stderr: ${cli.stderr()})` },
  );
  return line;
}

/** Prometheus's own build info, on a fresh connection (each one is a new forwarded stream). */
function buildinfo(base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${base}/api/v1/status/buildinfo`, { agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          expect(res.statusCode).toBe(200);
          const body = JSON.parse(text) as { status: string; data: { version: string } };
          expect(body.status).toBe('success');
          resolve(body.data.version);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

async function kubectl(
  args: string[],
  context = ADMIN_CONTEXT,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    'kubectl',
    ['--kubeconfig', sim.kubeconfig, '--context', context, '--cache-dir', cacheDir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, out };
}

const prometheusPods = async (): Promise<string[]> => {
  const r = await kubectl([
    'get',
    'pods',
    '-n',
    'istio-system',
    '-l',
    'app.kubernetes.io/name=prometheus',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\\n"}{end}',
  ]);
  expect(r.code).toBe(0);
  return r.out
    .split('\n')
    .filter((l) => l.endsWith(' Running'))
    .map((l) => l.split(' ')[0] ?? '');
};

describe('sextant dashboard prometheus', () => {
  it('prints one URL on which the real Prometheus answers, and survives the pod being replaced', async () => {
    const cli = dashboard(['prometheus', '--browser=false', '--port', '0']);
    const url = await urlOf(cli);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cli.stdout().trim()).toBe(url);
    expect(await buildinfo(url)).toMatch(/^2\./);

    const [before] = await prometheusPods();
    expect(before).toBeDefined();
    expect(simLog.some((l) => l.startsWith(`port-forward istio-system/${before ?? ''} `))).toBe(true);

    const deleted = await kubectl(['delete', 'pod', '-n', 'istio-system', before ?? '', '--wait=false']);
    expect(deleted.code).toBe(0);
    const after = await waitFor(async () => (await prometheusPods()).find((name) => name !== before), {
      timeoutMs: 20_000,
      what: 'a replacement prometheus pod',
    });
    // The same local URL now reaches the new pod.
    await waitFor(async () => (await buildinfo(url)).length > 0, {
      timeoutMs: 20_000,
      what: 'Prometheus through the forward after the pod was replaced',
    });
    expect(simLog.some((l) => l.startsWith(`port-forward istio-system/${after} `))).toBe(true);

    expect(await cli.stop()).toBe(0);
  });

  it('uses the addon port when free and another one when it is taken', async () => {
    // Hold 9090 so the default cannot have it (if someone else holds it, it is taken anyway).
    const holder: Server = createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(9090, '127.0.0.1', () => resolve());
    });
    try {
      const cli = dashboard(['prometheus', '--browser=false']);
      const url = await urlOf(cli);
      expect(new URL(url).port).not.toBe('9090');
      await buildinfo(url);
      expect(await cli.stop()).toBe(0);

      // An explicit --port is kept or refused, never swapped.
      const strict = dashboard(['prometheus', '--browser=false', '--port', '9090']);
      expect(await strict.exited).not.toBe(0);
      expect(strict.stderr()).toContain('Local port 127.0.0.1:9090 is already in use');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});

describe('sextant dashboard refusals', () => {
  it('exits non-zero naming the labels and namespace when no kiali pod runs', async () => {
    const scaled = await kubectl(['scale', 'deployment/kiali', '-n', 'istio-system', '--replicas=0']);
    expect(scaled.code).toBe(0);
    await waitFor(
      async () => {
        const r = await kubectl(['get', 'pods', '-n', 'istio-system', '-l', 'app=kiali', '-o', 'name']);
        return r.code === 0 && r.out.trim() === '';
      },
      { timeoutMs: 20_000, what: 'kiali pods gone' },
    );
    const cli = dashboard(['kiali', '--browser=false']);
    expect(await cli.exited).not.toBe(0);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toContain('No running pod with labels app=kiali in namespace "istio-system"');
  });

  it('tells the viewer that RBAC refuses the port-forward', async () => {
    const cli = dashboard(['prometheus', '--browser=false', '--port', '0', '--context', VIEWER_CONTEXT]);
    expect(await cli.exited).not.toBe(0);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toMatch(/refused by RBAC/);
    expect(cli.stderr()).toContain('pods/portforward');
    expect(cli.stderr()).toContain('"istio-system"');
  });

  it('names a dashboard it does not know', async () => {
    const cli = dashboard(['nope', '--browser=false']);
    expect(await cli.exited).not.toBe(0);
    expect(cli.stderr()).toMatch(/sextant, prometheus, grafana, jaeger, kiali/);
  });
});

describe('discoverPrometheus', () => {
  let found: DiscoveredPrometheus | undefined;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.close();
    await found?.stop();
  });

  it('reaches the prometheus Service through a port-forward, and serve draws bookinfo with it', async () => {
    found = await discoverPrometheus({ kubeconfig: sim.kubeconfig, context: ADMIN_CONTEXT });
    expect(found.via).toBe('port-forward');
    expect(found.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await buildinfo(found.url)).toMatch(/^2\./);

    server = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      prometheusUrl: found.url,
      port: 0,
      logger: silentLogger(),
      webDist: '/nonexistent',
    });
    const base = server.url;
    const edge = await waitFor(
      async () => {
        const { status, body } = await getJson(`${base}/api/graph?namespaces=bookinfo&duration=60s`);
        if (status !== 200) return undefined;
        const graph = GraphResponse.parse(body);
        return graph.edges.find(
          (e) => e.id === 'app:bookinfo:productpage:v1->svc:bookinfo:reviews' && e.rps > 0,
        );
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'a productpage → reviews edge with traffic' },
    );
    expect(edge.rps).toBeGreaterThan(0);
  });

  it('in the cluster, answers the Service address', async () => {
    // What client-node's in-cluster loader builds (cluster "inCluster"), pointed at mesh-sim.
    const admin = loadKubeConfig({ kubeconfig: sim.kubeconfig, context: ADMIN_CONTEXT });
    const cluster = admin.getCurrentCluster();
    const user = admin.getCurrentUser();
    if (!cluster || !user) throw new Error('the admin context names no cluster or user');
    const inCluster = new KubeConfig();
    inCluster.loadFromOptions({
      clusters: [{ ...cluster, name: 'inCluster' }],
      users: [user],
      contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: user.name }],
      currentContext: 'inClusterContext',
    });
    const inside = await discoverPrometheus(inCluster);
    expect(inside.via).toBe('service');
    expect(inside.url).toBe('http://prometheus.istio-system:9090');
    await inside.stop();
  });

  it('says which Service is missing', async () => {
    await expect(
      discoverPrometheus({ kubeconfig: sim.kubeconfig }, { service: 'no-such-prometheus' }),
    ).rejects.toThrow('No Service "no-such-prometheus" in namespace "istio-system".');
  });
});

describe('prometheusForServe (sextant serve without --prometheus-url)', () => {
  it('keeps --prometheus-url when given', async () => {
    const r = await prometheusForServe({ prometheusUrl: 'http://thanos:9090', warn: () => undefined });
    expect(r.url).toBe('http://thanos:9090');
  });

  it('finds the named Service and reaches it through a port-forward', async () => {
    const warnings: string[] = [];
    const r = await prometheusForServe({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      prometheusService: 'istio-system/prometheus',
      warn: (m) => warnings.push(m),
    });
    try {
      expect(r.via).toBe('port-forward');
      expect(await buildinfo(r.url ?? '')).toMatch(/^2\./);
      expect(warnings).toEqual([]);
    } finally {
      await r.stop();
    }
  });

  it('warns and goes on without Prometheus when the Service is missing', async () => {
    const warnings: string[] = [];
    const r = await prometheusForServe({
      kubeconfig: sim.kubeconfig,
      prometheusService: 'istio-system/nope',
      warn: (m) => warnings.push(m),
    });
    expect(r.url).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('No Service "nope" in namespace "istio-system"');
    expect(warnings[0]).toContain('--prometheus-url');
  });
});

describe('startPortForward', () => {
  it('closes a connection the API server refuses with 403 and says it is RBAC', async () => {
    // No access review first here: the refusal arrives on the connection itself.
    const viewer = loadKubeConfig({ kubeconfig: sim.kubeconfig, context: VIEWER_CONTEXT });
    const errors: PortForwardError[] = [];
    const forward = await startPortForward(
      viewer,
      { namespace: 'istio-system', labels: { 'app.kubernetes.io/name': 'prometheus' }, port: 9090 },
      { port: 0, onError: (e) => errors.push(e) },
    );
    try {
      await expect(buildinfo(forward.url())).rejects.toThrow();
      const refused = await waitFor(() => errors[0], { timeoutMs: 10_000, what: 'the refusal' });
      expect(refused.code).toBe('forbidden');
      expect(refused.message).toContain('refused by RBAC');
      expect(refused.message).toContain('pods/portforward');
    } finally {
      await forward.stop();
    }
  });
});
