/**
 * Cluster behaviour as an operator sees it through the real kubectl 1.32: bookinfo's pods and
 * sidecars, `rollout restart` + `rollout status`, the late namespace label trap, scaling and
 * deleting with Endpoints following.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { kubectl } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';
import { waitFor } from './helpers/waitFor';

let sim: MeshSim;
const tmp = makeTempDir('mesh-sim-cluster-');

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
});

afterAll(async () => {
  await sim?.stop();
  tmp.remove();
});

const k = (...args: string[]) =>
  kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir: `${tmp.path}/cache`, timeoutMs: 30_000 });

interface PodJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { containers: { name: string }[] };
  status: { phase?: string; podIP?: string };
}

async function pods(namespace: string, selector?: string): Promise<PodJson[]> {
  const r = await k('get', 'pods', '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'json');
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { items: PodJson[] }).items;
}

async function endpointIps(namespace: string, service: string): Promise<string[]> {
  const r = await k('get', 'endpoints', service, '-n', namespace, '-o', 'json');
  expect(r.code).toBe(0);
  const subsets = (JSON.parse(r.stdout) as { subsets?: { addresses?: { ip: string }[] }[] }).subsets ?? [];
  return subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
}

const names = (list: PodJson[]) => list.map((p) => p.metadata.name).sort();
const containerNames = (p: PodJson | undefined) => p?.spec.containers.map((c) => c.name);
const ips = (list: PodJson[]) => list.map((p) => p.status.podIP ?? '').sort();

describe('bookinfo through kubectl', () => {
  it('lists bookinfo pods Running with istio-proxy, and curl without', async () => {
    const bookinfo = await pods('bookinfo');
    expect(bookinfo).toHaveLength(6);
    for (const p of bookinfo) {
      expect(p.status.phase).toBe('Running');
      expect(containerNames(p)).toContain('istio-proxy');
    }
    const table = await k('get', 'pods', '-n', 'bookinfo');
    expect(table.stdout).toMatch(/^productpage-v1-[a-z0-9]+-[a-z0-9]{5}\s+2\/2\s+Running/m);
    const [curl] = await pods('curl');
    expect(containerNames(curl)).toEqual(['curl']);
  });

  it('rolls out a restart that rollout status sees complete', async () => {
    const before = await pods('bookinfo', 'app=details');
    const restart = await k('rollout', 'restart', 'deployment/details-v1', '-n', 'bookinfo');
    expect(restart.stdout).toContain('deployment.apps/details-v1 restarted');
    const status = await k('rollout', 'status', 'deployment/details-v1', '-n', 'bookinfo', '--timeout=20s');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('successfully rolled out');
    const after = await pods('bookinfo', 'app=details');
    expect(after).toHaveLength(1);
    expect(names(after)).not.toEqual(names(before));
    expect(await endpointIps('bookinfo', 'details')).toEqual(ips(after));
    const rs = await k(
      'get',
      'rs',
      '-n',
      'bookinfo',
      '-l',
      'app=details',
      '-o',
      'jsonpath={range .items[*]}{.spec.replicas}{" "}{end}',
    );
    expect(rs.stdout.trim().split(' ').sort()).toEqual(['0', '1']);
  });

  it('injects sidecars into a namespace labelled later only after a restart', async () => {
    const label = await k('label', 'namespace', 'curl', 'istio-injection=enabled');
    expect(label.stdout).toContain('namespace/curl labeled');
    const [unchanged] = await pods('curl');
    expect(containerNames(unchanged)).toEqual(['curl']);

    expect((await k('rollout', 'restart', 'deployment/curl', '-n', 'curl')).code).toBe(0);
    expect((await k('rollout', 'status', 'deployment/curl', '-n', 'curl', '--timeout=20s')).code).toBe(0);
    const [restarted] = await pods('curl');
    expect(restarted?.metadata.name).not.toBe(unchanged?.metadata.name);
    expect(containerNames(restarted)).toEqual(['curl', 'istio-proxy']);
  });

  it('keeps Endpoints in step when a deployment scales', async () => {
    const scale = await k('scale', 'deployment/reviews-v2', '-n', 'bookinfo', '--replicas=3');
    expect(scale.stdout).toContain('scaled');
    const reviews = await waitFor(async () => {
      const list = await pods('bookinfo', 'app=reviews');
      return list.length === 5 ? list : undefined;
    });
    expect(await endpointIps('bookinfo', 'reviews')).toEqual(ips(reviews));
    const ready = await k(
      'get',
      'deployment',
      'reviews-v2',
      '-n',
      'bookinfo',
      '-o',
      'jsonpath={.status.readyReplicas}',
    );
    expect(ready.stdout).toBe('3');
  });

  it('deletes the ReplicaSets and pods of a deleted deployment', async () => {
    const del = await k('delete', 'deployment', 'ratings-v1', '-n', 'bookinfo');
    expect(del.code).toBe(0);
    expect(await pods('bookinfo', 'app=ratings')).toEqual([]);
    const rs = await k('get', 'rs', '-n', 'bookinfo', '-l', 'app=ratings', '-o', 'name');
    expect(rs.stdout).toBe('');
    expect(await endpointIps('bookinfo', 'ratings')).toEqual([]);
  });
});
