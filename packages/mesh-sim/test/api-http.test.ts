/**
 * The wire protocol itself, over real HTTPS: public and protected paths, discovery media
 * types, OpenAPI stubs, Table output, dry runs and the watch protocol (headers flushed at
 * once, resume, 410 Expired, bookmarks, timeouts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { caFromKubeconfig, httpsRequest, openWatch } from './helpers/https';
import type { RequestOptions } from './helpers/https';
import { waitFor } from './helpers/waitFor';

let sim: MeshSim;
let ca: string;
const NS = 'wire';
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices`;

const get = (path: string, o: RequestOptions = {}) =>
  httpsRequest(sim.apiServer, ca, path, { token: sim.tokens.admin, ...o });
const send = (method: string, path: string, body: unknown, o: RequestOptions = {}) => {
  const text = JSON.stringify(body);
  return httpsRequest(sim.apiServer, ca, path, {
    method,
    token: sim.tokens.admin,
    body: text,
    ...o,
    // Node sends a DELETE body without framing unless told its length.
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
      ...(o.headers ?? {}),
    },
  });
};
const vs = (name: string, hosts = [name]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name },
  spec: { hosts },
});

beforeAll(async () => {
  sim = await startMeshSim({
    scenario: 'bookinfo',
    traffic: false,
    bookmarkIntervalMs: 200,
    log: () => undefined,
  });
  ca = caFromKubeconfig(sim.kubeconfig);
  const ns = await send('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
  expect(ns.status).toBe(201);
});

afterAll(async () => {
  await sim?.stop();
});

describe('authentication', () => {
  it('serves /version and health without a token, 401 elsewhere and for unknown tokens', async () => {
    const version = await get('/version', { token: '' });
    expect(version.status).toBe(200);
    expect(version.json()).toMatchObject({ major: '1', minor: '32' });
    expect((await get('/readyz', { token: '' })).text).toBe('ok');
    const anon = await get('/api/v1/pods', { token: '' });
    expect(anon.status).toBe(401);
    expect(anon.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await get('/version', { token: 'forged' })).status).toBe(401);
  });
});

describe('discovery and OpenAPI', () => {
  it('answers aggregated discovery with its exact media type, legacy discovery otherwise', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const agg = await get('/apis', { token: sim.tokens.viewer, headers: { Accept: accept } });
    expect(agg.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const groups = agg.json<{
      items: {
        metadata: { name: string };
        versions: { version: string; resources: { resource: string; shortNames?: string[] }[] }[];
      }[];
    }>().items;
    const istio = groups.find((g) => g.metadata.name === 'networking.istio.io');
    expect(istio?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect(istio?.versions[0]?.resources.find((r) => r.resource === 'virtualservices')?.shortNames).toEqual([
      'vs',
    ]);

    const legacy = await get('/apis');
    expect(legacy.headers['content-type']).toBe('application/json');
    expect(legacy.json()).toMatchObject({ kind: 'APIGroupList' });
    const core = await get('/api/v1');
    const pods = core
      .json<{ resources: { name: string; verbs: string[] }[] }>()
      .resources.find((r) => r.name === 'pods/portforward');
    expect(pods?.verbs).toEqual(['create', 'get']);
  });

  it('publishes OpenAPI v3 documents with a PATCH operation carrying the GVK and fieldValidation', async () => {
    const root = await get('/openapi/v3');
    const url = root.json<{ paths: Record<string, { serverRelativeURL: string }> }>().paths[
      'apis/networking.istio.io/v1'
    ]?.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/networking\.istio\.io\/v1\?hash=/);
    const doc = await get(url ?? '');
    const op = doc.json<{
      paths: Record<
        string,
        { patch: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': unknown } }
      >;
    }>().paths['/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}']?.patch;
    expect(op?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'networking.istio.io',
      version: 'v1',
      kind: 'VirtualService',
    });
    expect(op?.parameters.map((p) => p.name)).toContain('fieldValidation');
  });
});

describe('objects', () => {
  it('serves any served version of a custom resource and prints Tables', async () => {
    expect((await send('POST', VS_PATH, vs('table', ['a.example.com']))).status).toBe(201);
    const old = await get(`/apis/networking.istio.io/v1alpha3/namespaces/${NS}/virtualservices/table`);
    expect(old.json()).toMatchObject({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService' });
    const table = await get(VS_PATH, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const body = table.json<{
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    }>();
    expect(body.kind).toBe('Table');
    expect(body.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Gateways', 'Hosts', 'Age']);
    expect(body.rows[0]?.cells.slice(0, 3)).toEqual(['table', null, '["a.example.com"]']);
    expect(body.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });

  it('does not persist dry runs, and refuses a namespace mismatch', async () => {
    const rv = (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata
      .resourceVersion;
    const dry = await send('POST', `${VS_PATH}?dryRun=All`, vs('dry'));
    expect(dry.status).toBe(201);
    expect((await get(`${VS_PATH}/dry`)).status).toBe(404);
    expect(
      (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion,
    ).toBe(rv);
    const mismatch = await send('POST', VS_PATH, { ...vs('m'), metadata: { name: 'm', namespace: 'other' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
  });

  it('honours DeleteOptions preconditions (uid, resourceVersion) with the Conflict kube-apiserver sends', async () => {
    const created = (await send('POST', VS_PATH, vs('guarded'))).json<{
      metadata: { uid: string; resourceVersion: string };
    }>().metadata;
    const del = (preconditions: Record<string, string>) =>
      send('DELETE', `${VS_PATH}/guarded`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions });

    const wrongUid = await del({ uid: '00000000-0000-0000-0000-000000000000' });
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Operation cannot be fulfilled on VirtualService.networking.istio.io "guarded": the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record (${created.uid}). The object might have been deleted and then recreated`,
      reason: 'Conflict',
      details: { name: 'guarded', group: 'networking.istio.io', kind: 'VirtualService' },
      code: 409,
    });
    // A change after the caller read it: the resourceVersion precondition no longer holds.
    const patched = await send(
      'PATCH',
      `${VS_PATH}/guarded`,
      { metadata: { labels: { touched: 'yes' } } },
      { headers: { 'Content-Type': 'application/merge-patch+json' } },
    );
    const newRv = patched.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const staleRv = await del({ uid: created.uid, resourceVersion: created.resourceVersion });
    expect(staleRv.status).toBe(409);
    expect(staleRv.json<{ message: string }>().message).toBe(
      `Operation cannot be fulfilled on VirtualService.networking.istio.io "guarded": the ResourceVersion in the precondition (${created.resourceVersion}) does not match the ResourceVersion in record (${newRv}). The object might have been modified`,
    );
    expect((await get(`${VS_PATH}/guarded`)).status).toBe(200); // still there

    const ok = await del({ uid: created.uid, resourceVersion: newRv });
    expect(ok.status).toBe(200);
    expect((await get(`${VS_PATH}/guarded`)).status).toBe(404);

    // Core kinds are named by their Kind alone.
    await send('POST', `/api/v1/namespaces/${NS}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'guarded' },
    });
    const cm = await send('DELETE', `/api/v1/namespaces/${NS}/configmaps/guarded`, {
      preconditions: { uid: 'x' },
    });
    expect(cm.json<{ message: string }>().message).toMatch(
      /^Operation cannot be fulfilled on ConfigMap "guarded": the UID in the precondition \(x\) does not match/,
    );
  });
});

describe('watch', () => {
  it('flushes headers at once, resumes from a resourceVersion and streams live events', async () => {
    const start = (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata
      .resourceVersion;
    await send('POST', VS_PATH, vs('w1'));
    // Headers arrive although no event is pending for a resume from "now".
    const now = (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata
      .resourceVersion;
    const quiet = await openWatch(sim.apiServer, ca, `${VS_PATH}?watch=true&resourceVersion=${now}`, {
      token: sim.tokens.viewer,
    });
    expect(quiet.status).toBe(200);
    quiet.close();

    const w = await openWatch(sim.apiServer, ca, `${VS_PATH}?watch=true&resourceVersion=${start}`, {
      token: sim.tokens.viewer,
    });
    try {
      await waitFor(
        () =>
          w.events.some((e) => e.type === 'ADDED' && (e.object.metadata as { name: string }).name === 'w1'),
        { message: 'replayed ADDED' },
      );
      await send(
        'PATCH',
        `${VS_PATH}/w1`,
        { spec: { gateways: ['mesh'] } },
        { headers: { 'Content-Type': 'application/merge-patch+json' } },
      );
      await httpsRequest(sim.apiServer, ca, `${VS_PATH}/w1`, { method: 'DELETE', token: sim.tokens.admin });
      await waitFor(() => w.events.some((e) => e.type === 'DELETED'), { message: 'DELETED' });
      expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      const rvs = w.events.map((e) =>
        Number((e.object.metadata as { resourceVersion: string }).resourceVersion),
      );
      expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    } finally {
      w.close();
    }
  });

  it('ends with ERROR 410 Expired when the resourceVersion was compacted away', async () => {
    const old = (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata
      .resourceVersion;
    await send('POST', VS_PATH, vs('before-compaction'));
    sim.compactWatchCache();
    const w = await openWatch(sim.apiServer, ca, `${VS_PATH}?watch=true&resourceVersion=${old}`, {
      token: sim.tokens.viewer,
    });
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', status: 'Failure' },
    });
    expect(String(w.events[0]?.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends bookmarks only when asked, and honours timeoutSeconds', async () => {
    const rv = (await get(VS_PATH)).json<{ metadata: { resourceVersion: string } }>().metadata
      .resourceVersion;
    const plain = await openWatch(
      sim.apiServer,
      ca,
      `${VS_PATH}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
      { token: sim.tokens.viewer },
    );
    const marked = await openWatch(
      sim.apiServer,
      ca,
      `${VS_PATH}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`,
      {
        token: sim.tokens.viewer,
      },
    );
    await Promise.all([plain.ended, marked.ended]);
    expect(plain.events).toEqual([]);
    expect(marked.events.length).toBeGreaterThan(0);
    expect(marked.events[0]).toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'VirtualService',
        apiVersion: 'networking.istio.io/v1',
        metadata: { resourceVersion: rv },
      },
    });
  });
});
