import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import {
  GraphResponse,
  IstioList,
  IstioObjectWithValidations,
  ServiceDetail,
  WorkloadDetail,
} from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger, waitFor } from './helpers';

// Each mistake is made with the real kubectl against mesh-sim's bookinfo, then read back through
// Sextant's API, which learns of it through its informers (no restart, no polling of the API server).
let sim: MeshSim;
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, seed: 3 });
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
  });
  dir = await mkdtemp(join(tmpdir(), 'sextant-validations-'));
});

afterAll(async () => {
  await server?.close();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function apply(yaml: string): Promise<void> {
  const file = join(dir, `m${files++}.yaml`);
  await writeFile(file, yaml);
  await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['apply', '-f', file]);
}

/** `code path` of each finding on one Istio object, once the cache has it. */
async function findingsOn(
  namespace: string,
  resource: string,
  name: string,
  until: (f: string[]) => boolean,
) {
  return waitFor(
    async () => {
      const { status, body } = await getJson(`${server.url}/api/istio/${namespace}/${resource}/${name}`);
      if (status !== 200) return undefined;
      const f = IstioObjectWithValidations.parse(body).validations.map((v) => `${v.code} ${v.path}`);
      return until(f) ? f : undefined;
    },
    { timeoutMs: 10_000, what: `findings on ${resource} ${namespace}/${name}` },
  );
}

describe('mistakes made with kubectl show up in the API', () => {
  it('lists every Istio object with its validations; the scenario itself has only the unused subsets', async () => {
    const { status, body } = await getJson(`${server.url}/api/istio?namespace=bookinfo`);
    expect(status).toBe(200);
    const items = IstioList.parse(body).items;
    expect(items.map((i) => `${i.object.kind}/${i.object.metadata.name}`).sort()).toEqual([
      'DestinationRule/details',
      'DestinationRule/productpage',
      'DestinationRule/ratings',
      'DestinationRule/reviews',
      'Gateway/bookinfo-gateway',
      'VirtualService/bookinfo',
      'VirtualService/reviews',
    ]);
    const withFindings = items
      .filter((i) => i.validations.length > 0)
      .map((i) => `${i.object.metadata.name}: ${i.validations.map((v) => `${v.code} ${v.path}`).join(', ')}`);
    expect(withFindings).toEqual([
      'details: SX2002 spec.subsets[1].labels',
      'ratings: SX2002 spec.subsets[1].labels, SX2002 spec.subsets[2].labels, SX2002 spec.subsets[3].labels',
    ]);
  });

  it('a VirtualService routing to an undefined subset (SX1002): on the object, the service, and the graph', async () => {
    await apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: bookinfo }
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: { host: ratings, subset: v9 }
`);
    const found = await findingsOn('bookinfo', 'virtualservices', 'ratings', (f) => f.length > 0);
    expect(found).toEqual(['SX1002 spec.http[0].route[0].destination.subset']);

    const svc = ServiceDetail.parse((await getJson(`${server.url}/api/services/bookinfo/ratings`)).body);
    expect(svc.validations?.map((v) => `${v.object?.kind}/${v.object?.name} ${v.code}`)).toContain(
      'VirtualService/ratings SX1002',
    );
    const g = GraphResponse.parse(
      (await getJson(`${server.url}/api/graph?namespaces=bookinfo&idleNodes=true`)).body,
    );
    const node = (id: string) => g.nodes.find((n) => n.id === id);
    expect(node('svc:bookinfo:ratings')?.badges).toContain('ERR');
    expect(node('svc:bookinfo:details')?.badges ?? []).not.toContain('ERR');
  });

  it('a dry run of the fix reports no finding, and the saved fix clears it', async () => {
    const current = IstioObjectWithValidations.parse(
      (await getJson(`${server.url}/api/istio/bookinfo/virtualservices/ratings`)).body,
    ).object;
    const fixed = {
      ...current,
      spec: { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings', subset: 'v1' } }] }] },
    };
    const put = (dryRun: boolean) =>
      getJson(`${server.url}/api/istio/bookinfo/virtualservices/ratings${dryRun ? '?dryRun=true' : ''}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixed),
      });
    const dry = await put(true);
    expect(dry.status).toBe(200);
    expect(IstioObjectWithValidations.parse(dry.body).validations).toEqual([]);
    expect(await findingsOn('bookinfo', 'virtualservices', 'ratings', () => true)).toHaveLength(1);
    expect((await put(false)).status).toBe(200);
    expect(await findingsOn('bookinfo', 'virtualservices', 'ratings', (f) => f.length === 0)).toEqual([]);
  });

  it('a VirtualService host with no Service (SX1004)', async () => {
    await apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ghost, namespace: bookinfo }
spec:
  hosts: [ghost]
  http:
  - route:
    - destination: { host: productpage }
`);
    expect(await findingsOn('bookinfo', 'virtualservices', 'ghost', (f) => f.length > 0)).toEqual([
      'SX1004 spec.hosts[0]',
    ]);
  });

  it('a DestinationRule subset selecting no pods (SX2002)', async () => {
    await apply(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: curl, namespace: curl }
spec:
  host: curl
  subsets:
  - name: v2
    labels: { version: v2 }
`);
    expect(await findingsOn('curl', 'destinationrules', 'curl', (f) => f.length > 0)).toEqual([
      'SX2002 spec.subsets[0].labels',
    ]);
  });

  it('a second namespace-wide PeerAuthentication (SX3002 on both)', async () => {
    for (const name of ['default', 'strict-too']) {
      await apply(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ${name}, namespace: bookinfo }
spec:
  mtls: { mode: STRICT }
`);
    }
    for (const name of ['default', 'strict-too']) {
      expect(await findingsOn('bookinfo', 'peerauthentications', name, (f) => f.length > 0)).toEqual([
        'SX3002 metadata.name',
      ]);
    }
  });

  it('an AuthorizationPolicy that allows nothing (SX3102), explained', async () => {
    await apply(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-nothing, namespace: curl }
spec: {}
`);
    expect(await findingsOn('curl', 'authorizationpolicies', 'allow-nothing', (f) => f.length > 0)).toEqual([
      'SX3102 spec',
    ]);
  });

  it('pods without sidecar once their namespace is labelled for injection (SX5001)', async () => {
    // The workload's own findings; the allow-nothing policy above also applies to it.
    const all = async () =>
      WorkloadDetail.parse((await getJson(`${server.url}/api/workloads/curl/curl`)).body).validations ?? [];
    const workload = async () => (await all()).filter((v) => v.object === undefined);
    expect((await all()).map((v) => `${v.object?.name} ${v.code}`)).toEqual(['allow-nothing SX3102']);
    expect(await workload()).toEqual([]);
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['label', 'namespace', 'curl', 'istio-injection=enabled']);
    const found = await waitFor(
      async () => {
        const v = await workload();
        return v.length > 0 ? v : undefined;
      },
      { timeoutMs: 10_000, what: 'SX5001 on curl' },
    );
    expect(found.map((v) => `${v.code} ${v.path}`)).toEqual(['SX5001 metadata.name']);
    expect(found[0]?.message).toContain('kubectl rollout restart deployment/curl -n curl');
  });
});
