/**
 * `--state-dir`: stopping mesh-sim and starting it again on the same dir and port is an
 * API-server restart for every client — the same kubeconfig (CA, tokens) keeps working, the
 * objects are as they were, resourceVersions keep climbing, and a watch from before the
 * restart is told 410 Expired.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import { caFromKubeconfig, httpsRequest, openWatch } from './helpers/https';
import { kubectl } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = makeTempDir('mesh-sim-state-');
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  tmp.remove();
});

interface Running {
  proc: ChildProcess;
  ready: { apiServer: string; kubeconfig: string };
  stderr(): string;
  exit: Promise<number | null>;
}

async function startCli(args: string[]): Promise<Running> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--no-traffic', ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  await waitFor(() => stdout.includes('\n') || proc.exitCode !== null, {
    timeoutMs: 60_000,
    message: 'ready line',
  });
  if (!stdout.includes('\n')) throw new Error(`mesh-sim exited: ${stderr}`);
  return {
    proc,
    ready: JSON.parse(stdout.trim()) as Running['ready'],
    stderr: () => stderr,
    exit,
  };
}

const VS_YAML = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-state
  namespace: bookinfo
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 70
    - destination: {host: reviews, subset: v2}
      weight: 30
`;

describe('mesh-sim --state-dir', () => {
  it('survives a process restart on the same port: same kubeconfig, same objects, higher resourceVersions, 410 for old watches', async () => {
    const stateDir = join(tmp.path, 'state');
    const kubeconfig = join(tmp.path, 'kubeconfig');
    const cacheDir = join(tmp.path, 'cache');
    const k = (args: string[], stdin?: string) =>
      kubectl(args, { kubeconfig, cacheDir, ...(stdin !== undefined ? { stdin } : {}) });

    const first = await startCli(['--state-dir', stateDir, '--kubeconfig-out', kubeconfig]);
    const port = new URL(first.ready.apiServer).port;
    // A second server on the same state would overwrite the first one's objects: refused.
    const second0 = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', '--no-traffic', '--state-dir', stateDir],
      {
        cwd: PACKAGE_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(second0);
    let refusal = '';
    second0.stderr?.on('data', (d: Buffer) => (refusal += d.toString()));
    expect(await new Promise((r) => second0.on('exit', r))).toBe(1);
    expect(refusal).toContain(
      `mesh-sim: cannot start: state dir ${stateDir} is in use by mesh-sim process ${first.proc.pid ?? ''}`,
    );
    const applied = await k(['apply', '-f', '-'], VS_YAML);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('virtualservice.networking.istio.io/reviews-state created');
    const before = JSON.parse(
      (await k(['get', 'vs', 'reviews-state', '-n', 'bookinfo', '-o', 'json'])).stdout,
    ) as { metadata: { uid: string; resourceVersion: string } };
    const caBefore = caFromKubeconfig(kubeconfig);
    const kubeconfigBefore = readFileSync(kubeconfig, 'utf8');

    // A watch open across the restart: its stream ends when the server goes away.
    const watch = await openWatch(
      first.ready.apiServer,
      caBefore,
      `/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices?watch=true&resourceVersion=${before.metadata.resourceVersion}`,
      { token: tokenOf(kubeconfig, 'mesh-sim-admin') },
    );
    first.proc.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    await watch.ended;
    expect(readdirSync(stateDir).sort()).toEqual([
      'objects.json',
      'sa-signing-key.json',
      'tls.json',
      'tokens.json',
    ]);

    const second = await startCli([
      '--state-dir',
      stateDir,
      '--kubeconfig-out',
      kubeconfig,
      '--api-port',
      port,
    ]);
    expect(second.ready.apiServer).toBe(first.ready.apiServer);
    expect(second.stderr()).toContain(`restored state from ${stateDir}`);
    // The same CA and tokens: the kubeconfig file is byte for byte what clients already hold.
    expect(readFileSync(kubeconfig, 'utf8')).toBe(kubeconfigBefore);

    const after = await k(['get', 'vs', 'reviews-state', '-n', 'bookinfo', '-o', 'json']);
    expect(after.stderr).toBe('');
    const restored = JSON.parse(after.stdout) as {
      metadata: { uid: string; resourceVersion: string };
      spec: { http: { route: { weight: number }[] }[] };
    };
    expect(restored.metadata.uid).toBe(before.metadata.uid);
    expect(restored.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(restored.spec.http[0]?.route.map((r) => r.weight)).toEqual([70, 30]);

    const patched = await k([
      'patch',
      'vs',
      'reviews-state',
      '-n',
      'bookinfo',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"restarted":"yes"}}}',
    ]);
    expect(patched.stderr).toBe('');
    const rvAfter = (
      await k(['get', 'vs', 'reviews-state', '-n', 'bookinfo', '-o', 'jsonpath={.metadata.resourceVersion}'])
    ).stdout;
    expect(Number(rvAfter)).toBeGreaterThan(Number(before.metadata.resourceVersion));

    // The watch cache did not survive: resuming from before the restart is 410 Expired…
    const ca = caFromKubeconfig(kubeconfig);
    const token = tokenOf(kubeconfig, 'mesh-sim-admin');
    const old = await openWatch(
      second.ready.apiServer,
      ca,
      `/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices?watch=true&resourceVersion=${Number(before.metadata.resourceVersion) - 1}`,
      { token },
    );
    await old.ended;
    expect(old.events).toHaveLength(1);
    expect(old.events[0]?.type).toBe('ERROR');
    expect(old.events[0]?.object).toMatchObject({ code: 410, reason: 'Expired' });
    // …while a list gives a resourceVersion to watch from again.
    const list = await httpsRequest(
      second.ready.apiServer,
      ca,
      '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices',
      { token },
    );
    expect(Number(list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion)).toBe(
      Number(rvAfter),
    );

    second.proc.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('refuses a corrupt state file instead of starting empty', async () => {
    const stateDir = join(tmp.path, 'corrupt');
    const sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, stateDir, log: () => undefined });
    await sim.stop();
    writeFileSync(join(stateDir, 'objects.json'), '{"resourceVersion":"x"}');
    await expect(
      startMeshSim({ scenario: 'bookinfo', traffic: false, stateDir, log: () => undefined }),
    ).rejects.toThrow(/objects\.json is not valid/);
  });

  it('restart() keeps the API address and kubeconfig and continues the resourceVersions', async () => {
    const stateDir = join(tmp.path, 'programmatic');
    const sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, stateDir, log: () => undefined });
    try {
      const url = sim.apiServer;
      const cm = sim.store.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept', namespace: 'default' },
        data: { a: '1' },
      });
      sim.store.create('serviceaccounts', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'robot', namespace: 'default' },
      });
      const saToken = await sim.createToken('default', 'robot');
      await sim.restart();
      expect(sim.apiServer).toBe(url);
      // The signing key survived: a ServiceAccount token from before still authenticates.
      const whoami = await httpsRequest(
        sim.apiServer,
        caFromKubeconfig(sim.kubeconfig),
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        {
          method: 'POST',
          token: saToken,
          headers: { 'Content-Type': 'application/json' },
          body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
        },
      );
      expect(whoami.json()).toMatchObject({
        status: { userInfo: { username: 'system:serviceaccount:default:robot' } },
      });
      const ca = caFromKubeconfig(sim.kubeconfig);
      const got = await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/default/configmaps/kept', {
        token: sim.tokens.admin,
      });
      expect(got.status).toBe(200);
      expect(got.json()).toMatchObject({ data: { a: '1' }, metadata: { uid: cm.metadata.uid } });
      const next = sim.store.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'after', namespace: 'default' },
      });
      expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion));

      // A change made while the server is down is there after the restart, at a higher RV.
      await sim.restart({
        whileDown: (store) => {
          const kept = store.get('configmaps', 'default', 'kept');
          if (!kept) throw new Error('kept is missing');
          store.update('configmaps', { ...kept, data: { a: '2' } });
        },
      });
      const changed = await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/default/configmaps/kept', {
        token: sim.tokens.admin,
      });
      const body = changed.json<{ data: { a: string }; metadata: { resourceVersion: string } }>();
      expect(body.data.a).toBe('2');
      expect(Number(body.metadata.resourceVersion)).toBeGreaterThan(Number(next.metadata.resourceVersion));
    } finally {
      await sim.stop();
    }
  });
});

function tokenOf(kubeconfig: string, user: string): string {
  const m = new RegExp(`name: ${user}\\n\\s+user:\\n\\s+token: (\\S+)`).exec(
    readFileSync(kubeconfig, 'utf8'),
  );
  if (!m?.[1]) throw new Error(`no token for ${user}`);
  return m[1];
}
