import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim, VIEWER_CONTEXT } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ApiErrorBody, HistoryList, TrafficShiftResponse } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger, waitFor } from './helpers';

// The request-routing and PeerAuthentication forms' endpoints against one simulated bookinfo
// cluster (no traffic), as admin and as the read-only viewer; history in a temp state dir.
let sim: MeshSim;
let stateDir: string;
let admin: RunningServer;
let viewer: RunningServer;

interface Route {
  match?: unknown[];
  route: { destination: { host: string; subset?: string }; weight?: number }[];
  timeout?: string;
}
interface VsJson {
  metadata: { resourceVersion: string };
  spec: { hosts: string[]; http: Route[] };
}

const getJsonOf = async <T>(ns: string, kind: string, name: string): Promise<T> =>
  JSON.parse(await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', ns, 'get', kind, name, '-o', 'json'])) as T;
const getVs = (name: string) => getJsonOf<VsJson>('bookinfo', 'virtualservice', name);

const post = (server: RunningServer, path: string, body: unknown, query = '') =>
  getJson(`${server.url}/api/namespaces/bookinfo/${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const routeRequests = (server: RunningServer, body: unknown, query = '') =>
  post(server, 'services/reviews/request-routing', body, query);

const cacheSees = (server: RunningServer, name: string, rv: string) =>
  waitFor(() => server.cache.get('virtualservices', 'bookinfo', name)?.metadata.resourceVersion === rv, {
    timeoutMs: 10_000,
    what: `virtualservices/${name} at ${rv} in the cache`,
  });

const jasonRule = { match: { headers: { 'end-user': { exact: 'jason' } } }, route: { subset: 'v2' } };

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, seed: 5 });
  stateDir = await mkdtemp(join(tmpdir(), 'sextant-state-'));
  const common = {
    kubeconfig: sim.kubeconfig,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    stateDir,
  };
  admin = await startServer({ ...common, context: ADMIN_CONTEXT });
  viewer = await startServer({ ...common, context: VIEWER_CONTEXT });
  await cacheSees(admin, 'reviews', (await getVs('reviews')).metadata.resourceVersion);
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await viewer?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('request routing', () => {
  it('previews with ?dryRun=true and writes nothing', async () => {
    const before = await getVs('reviews');
    const res = await routeRequests(admin, { rules: [jasonRule] }, '?dryRun=true');
    expect(res.status).toBe(200);
    const body = TrafficShiftResponse.parse(res.body);
    expect(body.applied).toBe(false);
    expect(body.diff).toContain('VirtualService bookinfo/reviews');
    expect(body.diff).toMatch(/^\+ +end-user:$/m);
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('refuses bad bodies with the field at fault and writes nothing', async () => {
    const before = await getVs('reviews');
    const cases: [unknown, number, string][] = [
      [
        {
          rules: [jasonRule, { match: { headers: { 'end-user': { exact: '' } } }, route: { subset: 'v1' } }],
        },
        400,
        'rules[1].match.headers.end-user.exact: must not be empty.',
      ],
      [
        { rules: [{ match: { uri: { regex: '([a-z' } }, route: { subset: 'v1' } }] },
        400,
        'rules[0].match.uri.regex: not a valid regular expression',
      ],
      [
        { rules: [{ match: { method: { exact: 'GET' } }, route: { weights: { v1: 50, v3: 40 } } }] },
        400,
        'rules[0].route.weights: must add up to 100, they add up to 90.',
      ],
      [
        { rules: [{ ...jasonRule, route: { subset: 'v9' } }] },
        422,
        'rules[0].route.subset: no subset "v9"; the service has v1, v2, v3.',
      ],
      [{ rules: [{ route: { subset: 'v1' } }] }, 400, 'rules[0].match'],
      [{ rules: 'jason' }, 400, 'rules'],
    ];
    for (const [body, status, message] of cases) {
      const res = await routeRequests(admin, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(ApiErrorBody.parse(res.body).error.message).toContain(message);
    }
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('writes the jason rule before the kept 80/20 default; kubectl reads it; recorded in history', async () => {
    const before = await getVs('reviews');
    const defaultRoute = before.spec.http.find((r) => !r.match);
    expect(defaultRoute).toBeDefined();
    const res = await routeRequests(admin, {
      rules: [
        jasonRule,
        { match: { uri: { prefix: '/reviews/0' } }, route: { weights: { v1: 50, v3: 50 } } },
      ],
      resourceVersion: before.metadata.resourceVersion,
    });
    expect(res.status).toBe(200);
    expect(TrafficShiftResponse.parse(res.body).applied).toBe(true);
    const after = await getVs('reviews');
    expect(after.spec.http).toEqual([
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      {
        match: [{ uri: { prefix: '/reviews/0' } }],
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
        ],
      },
      defaultRoute,
    ]);
    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=reviews`);
    const [entry] = HistoryList.parse(body).entries;
    expect(entry).toMatchObject({
      action: 'request-routing',
      summary: 'header end-user=jason → v2; uri prefix /reviews/0 → v1 50%, v3 50%',
    });
    await cacheSees(admin, 'reviews', after.metadata.resourceVersion);

    // Replacing the rules with only jason drops the URI rule; the default stays last.
    const again = await routeRequests(admin, {
      rules: [jasonRule],
      resourceVersion: after.metadata.resourceVersion,
    });
    expect(again.status).toBe(200);
    expect((await getVs('reviews')).spec.http).toEqual([after.spec.http[0], defaultRoute]);
    await cacheSees(admin, 'reviews', (await getVs('reviews')).metadata.resourceVersion);
  });

  it('answers 409 with the current object when the resourceVersion is stale, writing nothing', async () => {
    const loaded = await getVs('reviews');
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'annotate',
      'virtualservice',
      'reviews',
      'sextant.test/other=edit',
      '--overwrite',
    ]);
    const edited = await getVs('reviews');
    await cacheSees(admin, 'reviews', edited.metadata.resourceVersion);
    const res = await routeRequests(admin, {
      rules: [{ ...jasonRule, route: { subset: 'v3' } }],
      resourceVersion: loaded.metadata.resourceVersion,
    });
    expect(res.status).toBe(409);
    const err = ApiErrorBody.parse(res.body).error;
    expect(err.code).toBe('conflict');
    expect(err.details).toMatchObject({
      current: { metadata: { resourceVersion: edited.metadata.resourceVersion } },
    });
    expect(await getVs('reviews')).toEqual(edited);
  });

  it('refuses the viewer with 403 and the RBAC reason, writing nothing', async () => {
    const before = await getVs('reviews');
    const denied = await routeRequests(viewer, { rules: [{ ...jasonRule, route: { subset: 'v3' } }] });
    expect(denied.status).toBe(403);
    const err = ApiErrorBody.parse(denied.body).error;
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/forbidden|cannot/i);
    expect(await getVs('reviews')).toEqual(before);
  });
});

describe('PeerAuthentication mode', () => {
  interface PaJson {
    metadata: { name: string; resourceVersion: string };
    spec: { mtls?: { mode?: string }; selector?: { matchLabels?: Record<string, string> } };
  }
  const getPa = (name: string) => getJsonOf<PaJson>('bookinfo', 'peerauthentication', name);
  const paNames = async (): Promise<string> =>
    kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', 'bookinfo', 'get', 'peerauthentication', '-o', 'name']);
  const setMode = (server: RunningServer, body: unknown, query = '') =>
    post(server, 'peer-authentication', body, query);

  it('refuses bad bodies with the field at fault, previews, and writes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ mode: 'strict' }, 'mode'],
      [{ mode: 'STRICT', workload: { labels: { app: '' } } }, 'workload.labels.app: must not be empty.'],
      [{ mode: 'STRICT', name: 'Not_A_Name' }, 'name: lower-case letters'],
    ];
    for (const [body, message] of cases) {
      const res = await setMode(admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ApiErrorBody.parse(res.body).error.message).toContain(message);
    }
    const dry = await setMode(admin, { mode: 'STRICT' }, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(TrafficShiftResponse.parse(dry.body).diff).toContain('PeerAuthentication bookinfo/default');
    expect(await paNames()).toBe('');
  });

  it('creates a STRICT namespace PeerAuthentication that kubectl shows, recorded under the namespace', async () => {
    const res = await setMode(admin, { mode: 'STRICT' });
    expect(res.status).toBe(200);
    expect(TrafficShiftResponse.parse(res.body).applied).toBe(true);
    const pa = await getPa('default');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const table = await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', 'bookinfo', 'get', 'pa']);
    expect(table).toMatch(/^default\s/m);
    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo`);
    const entry = HistoryList.parse(body).entries.find((e) => e.action === 'peer-authentication');
    expect(entry).toMatchObject({ summary: 'mTLS STRICT for namespace bookinfo' });
    expect(entry?.service).toBeUndefined();
  });

  it('updates it on the resourceVersion it was read at; 409 when stale; viewer 403', async () => {
    const loaded = await getPa('default');
    const res = await setMode(admin, {
      mode: 'PERMISSIVE',
      resourceVersion: loaded.metadata.resourceVersion,
    });
    expect(res.status).toBe(200);
    const updated = await getPa('default');
    expect(updated.spec.mtls?.mode).toBe('PERMISSIVE');
    const stale = await setMode(admin, { mode: 'DISABLE', resourceVersion: loaded.metadata.resourceVersion });
    expect(stale.status).toBe(409);
    expect(ApiErrorBody.parse(stale.body).error.details).toMatchObject({
      current: { metadata: { resourceVersion: updated.metadata.resourceVersion } },
    });
    const denied = await setMode(viewer, { mode: 'DISABLE' });
    expect(denied.status).toBe(403);
    expect(ApiErrorBody.parse(denied.body).error.message).toMatch(/forbidden|cannot/i);
    expect(await getPa('default')).toEqual(updated);
  });

  it('sets a workload mode with a selector, and a rollback removes it again', async () => {
    const res = await setMode(admin, { mode: 'DISABLE', workload: { labels: { app: 'reviews' } } });
    expect(res.status).toBe(200);
    expect((await getPa('reviews-mtls')).spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'DISABLE' },
    });
    const id = TrafficShiftResponse.parse(res.body).historyId ?? '';
    const undone = await getJson(`${admin.url}/api/history/${id}/rollback`, {
      method: 'POST',
      headers: { 'x-sextant-request': '1' },
    });
    expect(undone.status).toBe(200);
    expect(await paNames()).toBe('peerauthentication.security.istio.io/default\n');
  });
});
