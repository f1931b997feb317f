/**
 * The ways Sextant is shipped: the Dockerfile, docker-compose.yml (no Docker engine runs here,
 * so its shape is checked and its commands are cross-checked against each other), and
 * deploy/ (a kustomize base and its sign-in overlays, rendered with `kubectl kustomize`), each
 * also applied to mesh-sim with the real kubectl.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ADDONS } from '../src/dashboard';
import { loadKubeConfig } from '../src/kube/config';
import { resolvePod } from '../src/kube/portForward';
import { RESOURCES } from '../src/kube/resources';
import { exposureProblem } from '../src/security/exposure';
import { waitFor } from './helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown, what: string): Obj => {
  if (!isObj(v)) throw new Error(`${what} is not a mapping`);
  return v;
};
const list = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v;
};
const strings = (v: unknown, what: string): string[] => list(v, what).map((s) => String(s));

/** `--name=value` from an argument list. */
const flag = (args: string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const lockfile = read('pnpm-lock.yaml');
  const rootPackage = JSON.parse(read('package.json')) as { packageManager: string; scripts: Obj };

  it('is multi-stage on node:20-bookworm-slim and ends as a non-root user with `pnpm sextant`', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    expect(froms[0]).toMatch(/^FROM node:20-bookworm-slim AS base$/);
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
    expect(lines.filter((l) => l.startsWith('ENTRYPOINT')).at(-1)).toBe('ENTRYPOINT ["pnpm", "sextant"]');
    // The default command must be one the server accepts on 0.0.0.0: read-only.
    expect(lines.filter((l) => l.startsWith('CMD')).at(-1)).toBe(
      'CMD ["serve", "--host=0.0.0.0", "--port=20001", "--read-only"]',
    );
    expect(rootPackage.scripts.sextant).toBeDefined();
  });

  it('installs from the lockfile, with the pnpm and tsx versions the repository pins', () => {
    const installs = lines.filter((l) => /pnpm install/.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const l of installs) expect(l).toContain('--frozen-lockfile');
    expect(dockerfile).toContain('pnpm --filter @sextant/web build');
    const pnpm = rootPackage.packageManager.replace(/^pnpm@/, '');
    expect(dockerfile).toContain(`pnpm@${pnpm}`);
    const tsx = /\n {2}tsx@(\d+\.\d+\.\d+):/.exec(lockfile)?.[1];
    expect(tsx).toBeDefined();
    expect(dockerfile).toContain(`tsx@${tsx ?? ''}`);
  });

  it('copies only paths that exist, and .dockerignore keeps node_modules and .git out', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      const sources = l.split(/\s+/).slice(1, -1);
      for (const s of sources) expect(existsSync(join(ROOT, s)), `${s} in "${l}"`).toBe(true);
    }
    const ignore = read('.dockerignore').split('\n');
    expect(ignore).toContain('**/node_modules');
    expect(ignore).toContain('.git');
    expect(ignore).not.toContain('fixtures');
  });
});

describe('docker-compose.yml', () => {
  const compose = obj(YAML.parse(read('docker-compose.yml')), 'compose file');
  const services = obj(compose.services, 'services');
  const service = (name: string): Obj => obj(services[name], `service ${name}`);

  it('has exactly the demo stack: mesh-sim, prometheus and sextant', () => {
    expect(Object.keys(services).sort()).toEqual(['mesh-sim', 'prometheus', 'sextant']);
    for (const [name, s] of Object.entries(services)) {
      const deps = obj(s, name).depends_on;
      const names = Array.isArray(deps) ? deps.map(String) : isObj(deps) ? Object.keys(deps) : [];
      for (const d of names) expect(Object.keys(services), `${name} depends on ${d}`).toContain(d);
    }
  });

  it('runs the simulator from this image, writing the kubeconfig Sextant reads', () => {
    const sim = service('mesh-sim');
    expect(sim.build).toBe('.');
    expect(strings(sim.entrypoint, 'entrypoint')).toEqual(['pnpm', 'mesh-sim']);
    const args = strings(sim.command, 'mesh-sim command');
    expect(flag(args, 'scenario')).toBe('bookinfo');
    expect(flag(args, 'api-port')).toMatch(/^\d+$/);
    expect(flag(args, 'metrics-port')).toMatch(/^\d+$/);
    const kubeconfig = flag(args, 'kubeconfig-out');
    expect(kubeconfig).toBeDefined();

    const sextant = service('sextant');
    expect(sextant.build).toBe('.');
    const serve = strings(sextant.command, 'sextant command');
    expect(serve[0]).toBe('serve');
    expect(flag(serve, 'kubeconfig')).toBe(kubeconfig);
    expect(flag(serve, 'host')).toBe('0.0.0.0');
    // Anonymous on 0.0.0.0 must say it means it, or the server refuses to start.
    expect(serve).toContain('--allow-anonymous-writes');
    // Both mount the volume the kubeconfig lives on.
    const dir = (kubeconfig ?? '').replace(/\/[^/]+$/, '');
    for (const s of [sim, sextant]) expect(strings(s.volumes, 'volumes')).toContain(`shared:${dir}`);
    expect(Object.keys(obj(compose.volumes, 'volumes'))).toContain('shared');
  });

  it('shares the simulator’s network namespace, since it listens on 127.0.0.1 only', () => {
    for (const name of ['prometheus', 'sextant']) {
      expect(service(name).network_mode).toBe('service:mesh-sim');
      // Ports cannot be published from a service that borrows another's network.
      expect(service(name).ports).toBeUndefined();
    }
    const ports = strings(service('mesh-sim').ports, 'ports');
    const serve = strings(service('sextant').command, 'sextant command');
    expect(ports).toContain(`127.0.0.1:${flag(serve, 'port') ?? ''}:${flag(serve, 'port') ?? ''}`);
  });

  it('runs the official Prometheus image, scraping the simulator’s metrics port, where Sextant looks', () => {
    const prom = service('prometheus');
    expect(String(prom.image)).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    const args = strings(prom.command, 'prometheus command');
    expect(flag(args, 'config.file')).toBe('/etc/prometheus/prometheus.yml');
    const listen = flag(args, 'web.listen-address') ?? '0.0.0.0:9090';
    const configRef = obj(list(prom.configs, 'configs')[0], 'config ref');
    expect(configRef.target).toBe('/etc/prometheus/prometheus.yml');
    const config = obj(obj(compose.configs, 'configs')[String(configRef.source)], 'prometheus config');
    const promConfig = obj(YAML.parse(String(config.content)), 'prometheus.yml');
    const jobs = list(promConfig.scrape_configs, 'scrape_configs').map((j) => obj(j, 'job'));
    const targets = jobs.flatMap((j) =>
      list(j.static_configs, 'static_configs').flatMap((s) => strings(obj(s, 'static').targets, 'targets')),
    );
    const metricsPort = flag(strings(service('mesh-sim').command, 'command'), 'metrics-port');
    expect(targets).toContain(`127.0.0.1:${metricsPort ?? ''}`);
    expect(jobs.every((j) => j.honor_labels === true)).toBe(true);
    const promUrl = flag(strings(service('sextant').command, 'sextant command'), 'prometheus-url');
    expect(promUrl).toBe(`http://127.0.0.1:${listen.split(':').at(-1) ?? ''}`);
  });
});

/** A long-running process whose output accumulates; stop() ends it (and its children) and waits. */
function start(command: string, args: string[]): { output(): string; stop(): Promise<void> } {
  // Its own process group: tsx runs the CLI in a child that must not outlive the test.
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end (killed after 30 s). */
function run(command: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

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

/**
 * The compose stack's own commands, run as plain processes on this machine: same arguments,
 * except free ports instead of fixed ones, a temp dir for /shared, and 127.0.0.1 for 0.0.0.0.
 */
describe('docker-compose.yml commands, run without Docker', () => {
  const compose = obj(YAML.parse(read('docker-compose.yml')), 'compose file');
  const services = obj(compose.services, 'services');
  const command = (name: string): string[] => strings(obj(services[name], name).command, `${name} command`);
  const dir = mkdtempSync(join(tmpdir(), 'sextant-compose-test-'));
  const running: { stop(): Promise<void> }[] = [];

  afterAll(async () => {
    for (const p of running.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promtool accepts the Prometheus configuration', async () => {
    const configs = obj(compose.configs, 'configs');
    const file = join(dir, 'prometheus-check.yml');
    writeFileSync(file, String(obj(configs.prometheus, 'prometheus config').content));
    const check = await run('promtool', ['check', 'config', file]);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toContain('SUCCESS');
  });

  it('the simulator, Prometheus and Sextant start with those arguments and serve the graph', async () => {
    const [metricsPort, promPort] = [await freePort(), await freePort()];
    const rewrite = (args: string[]): string[] =>
      args.map((a) =>
        a
          .replace(/^--(api-port|port)=\d+$/, '--$1=0')
          .replace(/^--metrics-port=\d+$/, `--metrics-port=${metricsPort}`)
          .replace(/^--host=0\.0\.0\.0$/, '--host=127.0.0.1')
          .replace(/^--web\.listen-address=.*$/, `--web.listen-address=127.0.0.1:${promPort}`)
          .replace('/shared/', `${dir}/`)
          .replace(/127\.0\.0\.1:9090\b/, `127.0.0.1:${promPort}`),
      );

    const sim = start(process.execPath, [
      '--import',
      'tsx',
      'packages/mesh-sim/src/cli.ts',
      ...rewrite(command('mesh-sim')),
    ]);
    running.push(sim);
    const ready = await waitFor(() => /^\{"apiServer".*\}$/m.exec(sim.output())?.[0], {
      timeoutMs: 60_000,
      what: `mesh-sim ready (${sim.output()})`,
    });
    expect(JSON.parse(ready)).toMatchObject({ kubeconfig: `${dir}/kubeconfig` });

    const configs = obj(compose.configs, 'configs');
    const promConfig = join(dir, 'prometheus.yml');
    writeFileSync(
      promConfig,
      String(obj(configs.prometheus, 'prometheus config').content).replace(
        /127\.0\.0\.1:\d+/,
        `127.0.0.1:${metricsPort}`,
      ),
    );
    const promArgs = rewrite(command('prometheus')).map((a) =>
      a.startsWith('--config.file=') ? `--config.file=${promConfig}` : a,
    );
    const prom = start('/usr/bin/prometheus', [...promArgs, `--storage.tsdb.path=${join(dir, 'tsdb')}`]);
    running.push(prom);

    const serve = start(process.execPath, [
      '--import',
      'tsx',
      'apps/server/src/cli.ts',
      ...rewrite(command('sextant')),
    ]);
    running.push(serve);
    const url = await waitFor(() => /serving on (http:\/\/\S+)/.exec(serve.output())?.[1], {
      timeoutMs: 60_000,
      what: `sextant serving (${serve.output()})`,
    });
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200 || undefined, {
      timeoutMs: 30_000,
      what: 'sextant ready',
    });
    // Traffic flows simulator → Prometheus → Sextant's graph.
    const edge = await waitFor(
      async () => {
        const res = await fetch(`${url}/api/graph?namespaces=bookinfo&duration=60s`);
        if (res.status !== 200) return undefined;
        const graph = (await res.json()) as { edges: { id: string; rps: number }[] };
        return graph.edges.find(
          (e) => e.id === 'app:bookinfo:productpage:v1->svc:bookinfo:reviews' && e.rps > 0,
        );
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'a productpage → reviews edge with traffic' },
    );
    expect(edge.rps).toBeGreaterThan(0);
  });
});

describe('deploy/base/sextant.yaml', () => {
  const docs = YAML.parseAllDocuments(read('deploy/base/sextant.yaml')).map((d) => obj(d.toJS(), 'document'));
  const ofKind = (kind: string): Obj => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0] ?? {};
  };
  const meta = (o: Obj): Obj => obj(o.metadata, 'metadata');
  const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', '*'];

  it('holds a ServiceAccount, ClusterRole, binding, Service and Deployment in istio-system', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Service', 'ServiceAccount'].sort(),
    );
    for (const kind of ['ServiceAccount', 'Service', 'Deployment'])
      expect(meta(ofKind(kind)).namespace).toBe('istio-system');
    const binding = ofKind('ClusterRoleBinding');
    expect(obj(binding.roleRef, 'roleRef')).toMatchObject({
      kind: 'ClusterRole',
      name: meta(ofKind('ClusterRole')).name,
    });
    expect(list(binding.subjects, 'subjects')).toContainEqual({
      kind: 'ServiceAccount',
      name: meta(ofKind('ServiceAccount')).name,
      namespace: 'istio-system',
    });
  });

  it('reads every kind the cache watches and writes only Istio networking and security kinds', () => {
    const rules = list(ofKind('ClusterRole').rules, 'rules').map((r) => obj(r, 'rule'));
    for (const def of RESOURCES) {
      const readable = rules.some(
        (r) =>
          strings(r.apiGroups, 'apiGroups').includes(def.group) &&
          strings(r.resources, 'resources').some((x) => x === def.plural || x === '*') &&
          ['get', 'list', 'watch'].every((v) => strings(r.verbs, 'verbs').includes(v)),
      );
      expect(readable, `${def.plural}.${def.group} readable`).toBe(true);
    }
    for (const r of rules) {
      const verbs = strings(r.verbs, 'verbs');
      if (!verbs.some((v) => WRITE_VERBS.includes(v))) continue;
      const groups = strings(r.apiGroups, 'apiGroups');
      const resources = strings(r.resources, 'resources');
      // Asking "may I?" is a create, but changes nothing.
      const accessReview =
        groups.every((g) => g === 'authorization.k8s.io') &&
        resources.every((x) => x === 'selfsubjectaccessreviews') &&
        verbs.every((v) => v === 'create');
      const istio = groups.every((g) => g === 'networking.istio.io' || g === 'security.istio.io');
      expect(accessReview || istio, `writes ${groups.join(',')}/${resources.join(',')}`).toBe(true);
    }
  });

  it('runs read-only, as non-root, on a read-only root filesystem, with probes and resources', () => {
    const deployment = ofKind('Deployment');
    const template = obj(obj(deployment.spec, 'spec').template, 'template');
    const podSpec = obj(template.spec, 'pod spec');
    expect(podSpec.serviceAccountName).toBe(meta(ofKind('ServiceAccount')).name);
    const podSecurity = obj(podSpec.securityContext, 'pod securityContext');
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(podSecurity.runAsUser).not.toBe(0);
    const [container] = list(podSpec.containers, 'containers').map((c) => obj(c, 'container'));
    expect(container).toBeDefined();
    const c = container ?? {};
    const security = obj(c.securityContext, 'container securityContext');
    expect(security.readOnlyRootFilesystem).toBe(true);
    expect(security.allowPrivilegeEscalation).toBe(false);
    const args = strings(c.args, 'args');
    expect(args[0]).toBe('serve');
    expect(args).toContain('--read-only');
    expect(flag(args, 'host')).toBe('0.0.0.0');
    for (const probe of ['readinessProbe', 'livenessProbe'])
      expect(obj(obj(c[probe], probe).httpGet, `${probe}.httpGet`).path).toMatch(/^\/(readyz|healthz)$/);
    const resources = obj(c.resources, 'resources');
    expect(obj(resources.requests, 'requests').memory).toBeDefined();
    expect(obj(resources.limits, 'limits').memory).toBeDefined();
    // With a read-only root, /tmp (tsx's cache, HOME) must be a volume.
    const mounts = list(c.volumeMounts, 'volumeMounts').map((m) => obj(m, 'mount'));
    expect(mounts.map((m) => m.mountPath)).toContain('/tmp');
  });

  it('is labelled and exposed the way `sextant dashboard sextant` looks for it', () => {
    const deployment = ofKind('Deployment');
    const template = obj(obj(deployment.spec, 'spec').template, 'template');
    expect(meta(template).labels).toMatchObject(ADDONS.sextant.labels);
    const [container] = list(obj(template.spec, 'pod spec').containers, 'containers').map((x) => obj(x, 'c'));
    const ports = list(container?.ports, 'ports').map((p) => obj(p, 'port'));
    expect(ports.map((p) => p.containerPort)).toContain(ADDONS.sextant.port);
    const service = obj(ofKind('Service').spec, 'service spec');
    expect(ADDONS.sextant.labels).toMatchObject(obj(service.selector, 'selector'));
    expect(list(service.ports, 'ports').map((p) => obj(p, 'port').port)).toContain(20001);
  });
});

describe('deploy/base applied to mesh-sim with kubectl', () => {
  let sim: MeshSim;
  const cacheDir = mkdtempSync(join(tmpdir(), 'sextant-packaging-test-'));

  beforeAll(async () => {
    sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) =>
    run('kubectl', [
      '--kubeconfig',
      sim.kubeconfig,
      '--context',
      ADMIN_CONTEXT,
      '--cache-dir',
      cacheDir,
      ...args,
    ]);

  it('is accepted, and its pod runs where `sextant dashboard sextant` finds it', async () => {
    const base = join(ROOT, 'deploy/base');
    const dry = await kubectl(['apply', '--dry-run=server', '-k', base]);
    expect(dry.code, dry.out).toBe(0);
    const applied = await kubectl(['apply', '-k', base]);
    expect(applied.code, applied.out).toBe(0);
    for (const what of [
      'serviceaccount/sextant',
      'clusterrole.rbac.authorization.k8s.io/sextant',
      'clusterrolebinding.rbac.authorization.k8s.io/sextant',
      'service/sextant',
      'deployment.apps/sextant',
    ])
      expect(applied.out).toContain(`${what} created`);
    // Applying again changes nothing: the manifests round-trip through the API unchanged.
    const again = await kubectl(['apply', '-k', base]);
    expect(again.code, again.out).toBe(0);
    expect(again.out).not.toContain('configured');

    const kc = loadKubeConfig({ kubeconfig: sim.kubeconfig, context: ADMIN_CONTEXT });
    const pod = await waitFor(
      () =>
        resolvePod(kc, {
          namespace: 'istio-system',
          labels: ADDONS.sextant.labels,
          port: ADDONS.sextant.port,
        }),
      { timeoutMs: 20_000, what: 'a running sextant pod' },
    );
    expect(pod.name).toMatch(/^sextant-/);
    expect(pod.port).toBe(20001);
    const endpoints = await kubectl(['get', 'endpoints', 'sextant', '-n', 'istio-system', '-o', 'json']);
    expect(endpoints.code, endpoints.out).toBe(0);
    expect(endpoints.out).toContain(pod.name);
  });

  it('takes each overlay on top: the service account loses its writes, and may impersonate only for header', async () => {
    const as = ['--as=system:serviceaccount:istio-system:sextant'];
    const can = async (...args: string[]) => (await kubectl(['auth', 'can-i', ...args, ...as])).out.trim();
    expect(await can('create', 'virtualservices.networking.istio.io', '-n', 'bookinfo')).toBe('yes');

    // The openid overlay reads its issuer and client from a Secret the operator creates first.
    const secret = await kubectl([
      '-n',
      'istio-system',
      'create',
      'secret',
      'generic',
      'sextant-oidc',
      '--from-literal=issuer-url=https://sso.example.com/realms/k8s',
      '--from-literal=client-id=sextant',
    ]);
    expect(secret.code, secret.out).toBe(0);

    for (const overlay of OVERLAYS) {
      const dir = join(ROOT, 'deploy/overlays', overlay);
      const dry = await kubectl(['apply', '--dry-run=server', '-k', dir]);
      expect(dry.code, `${overlay}: ${dry.out}`).toBe(0);
      const applied = await kubectl(['apply', '-k', dir]);
      expect(applied.code, `${overlay}: ${applied.out}`).toBe(0);
      expect(applied.out, overlay).toContain('deployment.apps/sextant configured');

      const deployment = obj(
        JSON.parse((await kubectl(['-n', 'istio-system', 'get', 'deployment', 'sextant', '-o', 'json'])).out),
        'deployment',
      );
      expect(JSON.stringify(deployment)).toContain(`--auth=${overlay}`);
      expect(await can('create', 'virtualservices.networking.istio.io', '-n', 'bookinfo'), overlay).toBe(
        'no',
      );
      expect(await can('update', 'destinationrules.networking.istio.io', '-n', 'bookinfo'), overlay).toBe(
        'no',
      );
      expect(await can('list', 'virtualservices.networking.istio.io', '--all-namespaces'), overlay).toBe(
        'yes',
      );
      const impersonates = overlay === 'header' ? 'yes' : 'no';
      expect(await can('impersonate', 'users'), overlay).toBe(impersonates);
      expect(await can('impersonate', 'groups'), overlay).toBe(impersonates);
      expect(await can('impersonate', 'serviceaccounts'), overlay).toBe('no');
    }
  });

  it.each(['token', 'header'] as const)(
    '%s: the real CLI takes the overlay’s arguments and answers on the Service’s name',
    async (overlay) => {
      const docs = await render(`deploy/overlays/${overlay}`);
      const deployment = docs.find((d) => d.kind === 'Deployment') ?? {};
      const pod = obj(obj(obj(deployment.spec, 'spec').template, 'template').spec, 'pod spec');
      const args = strings(obj(list(pod.containers, 'containers')[0], 'container').args, 'args').map((a) =>
        a
          .replace(/^--host=.*$/, '--host=127.0.0.1')
          .replace(/^--port=.*$/, '--port=0')
          // What the kubelet would expand from the overlay's ConfigMap.
          .replace('$(SEXTANT_PUBLIC_URL)', 'https://sextant.example.com'),
      );
      const serve = start(process.execPath, [
        '--import',
        'tsx',
        'apps/server/src/cli.ts',
        ...args,
        `--kubeconfig=${sim.kubeconfig}`,
        `--context=${ADMIN_CONTEXT}`,
        `--state-dir=${cacheDir}`,
      ]);
      try {
        const url = await waitFor(() => /serving on (http:\/\/\S+)/.exec(serve.output())?.[1], {
          timeoutMs: 60_000,
          what: `sextant serving (${serve.output()})`,
        });
        const port = new URL(url).port;
        const info = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = httpRequest(
            `${url}/api/auth/info`,
            { headers: { host: `sextant.istio-system.svc:${port}` } },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            },
          );
          req.on('error', reject);
          req.end();
        });
        expect(info.status, info.text).toBe(200);
        expect(JSON.parse(info.text)).toMatchObject({ strategy: overlay, authenticated: false });
      } finally {
        await serve.stop();
      }
    },
  );
});

const OVERLAYS = ['token', 'openid', 'header'] as const;

/** `kubectl kustomize <dir>`, parsed. */
async function render(dir: string): Promise<Obj[]> {
  const out = await run('kubectl', ['kustomize', join(ROOT, dir)]);
  expect(out.code, out.out).toBe(0);
  return YAML.parseAllDocuments(out.out).map((d) => obj(d.toJS(), `${dir} document`));
}

describe('deploy/ as a kustomize base with sign-in overlays', () => {
  const containerOf = (docs: Obj[]): Obj => {
    const deployment = docs.find((d) => d.kind === 'Deployment') ?? {};
    const pod = obj(obj(obj(deployment.spec, 'spec').template, 'template').spec, 'pod spec');
    return obj(list(pod.containers, 'containers')[0], 'container');
  };
  const rulesOf = (docs: Obj[], name: string): Obj[] =>
    list(
      docs.find((d) => d.kind === 'ClusterRole' && obj(d.metadata, 'metadata').name === name)?.rules,
      name,
    ).map((r) => obj(r, 'rule'));
  const exposure = (args: string[]) =>
    exposureProblem({
      host: flag(args, 'host') ?? '127.0.0.1',
      auth: flag(args, 'auth') ?? 'anonymous',
      readOnly: args.includes('--read-only'),
      allowAnonymousWrites: args.includes('--allow-anonymous-writes'),
    });

  it('base: read-only and anonymous, answering to the Service names', async () => {
    const args = strings(containerOf(await render('deploy/base')).args, 'args');
    expect(args).toContain('--read-only');
    expect(flag(args, 'auth') ?? 'anonymous').toBe('anonymous');
    expect(exposure(args)).toBeUndefined();
    expect(flag(args, 'allowed-hosts')?.split(',')).toEqual([
      'sextant.istio-system',
      'sextant.istio-system.svc',
      'sextant.istio-system.svc.cluster.local',
    ]);
  });

  it.each(OVERLAYS)(
    '%s: signs people in, writes as them, its service account writes nothing',
    async (overlay) => {
      const docs = await render(`deploy/overlays/${overlay}`);
      const container = containerOf(docs);
      const args = strings(container.args, 'args');
      expect(args[0]).toBe('serve');
      expect(flag(args, 'auth')).toBe(overlay);
      expect(args).not.toContain('--read-only');
      // The server would refuse to start on 0.0.0.0 otherwise; signed-in writes are allowed.
      expect(flag(args, 'host')).toBe('0.0.0.0');
      expect(exposure(args)).toBeUndefined();
      // Every $(VAR) the kubelet expands in the arguments is defined in the container's env.
      const env = list(container.env ?? [], 'env').map((e) => obj(e, 'env var'));
      const names = env.map((e) => String(e.name));
      for (const ref of args.join(' ').match(/\$\(([A-Z_]+)\)/g) ?? [])
        expect(names).toContain(ref.slice(2, -1));
      for (const rule of rulesOf(docs, 'sextant')) {
        const verbs = strings(rule.verbs, 'verbs');
        const groups = strings(rule.apiGroups, 'apiGroups');
        if (groups.includes('authorization.k8s.io')) expect(verbs).toEqual(['create']);
        else expect(verbs.sort()).toEqual(['get', 'list', 'watch']);
      }
      const impersonation = docs.filter((d) => obj(d.metadata, 'metadata').name === 'sextant-impersonate');
      if (overlay === 'header') {
        expect(flag(args, 'auth-header-user')).toBe('X-Forwarded-User');
        expect(flag(args, 'auth-header-groups')).toBe('X-Forwarded-Groups');
        expect(impersonation.map((d) => d.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
        expect(rulesOf(docs, 'sextant-impersonate')).toEqual([
          { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
        ]);
      } else expect(impersonation).toEqual([]);
      if (overlay === 'openid') {
        const fromSecret = (n: string) =>
          obj(obj(env.find((e) => e.name === n)?.valueFrom, n).secretKeyRef, n);
        expect(fromSecret('SEXTANT_OIDC_ISSUER_URL')).toMatchObject({
          name: 'sextant-oidc',
          key: 'issuer-url',
        });
        expect(fromSecret('SEXTANT_OIDC_CLIENT_ID')).toMatchObject({
          name: 'sextant-oidc',
          key: 'client-id',
        });
        expect(fromSecret('SEXTANT_OIDC_CLIENT_SECRET')).toMatchObject({
          name: 'sextant-oidc',
          key: 'client-secret',
        });
        // The secret never appears on the command line, where `ps` and the pod spec would show it.
        expect(args.some((a) => a.startsWith('--oidc-client-secret'))).toBe(false);
      }
    },
  );
});
