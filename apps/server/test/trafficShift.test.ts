import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim, VIEWER_CONTEXT } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ApiErrorBody, HistoryList, RollbackResponse, TrafficShiftResponse } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger, waitFor } from './helpers';

// One simulated cluster (no traffic: these tests are about configuration) and Sextant on it as
// admin, as the read-only viewer, and with --read-only; the history goes to a temp state dir.
const fixture = (path: string): string =>
  fileURLToPath(new URL(`../../../fixtures/istio/${path}`, import.meta.url));

let sim: MeshSim;
let stateDir: string;
let admin: RunningServer;
let viewer: RunningServer;
let readOnly: RunningServer;

interface Route {
  match?: unknown[];
  route: { destination: { host: string; subset?: string }; weight?: number }[];
}
interface VsJson {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: { hosts: string[]; http: Route[] };
}

const getVs = async (name: string): Promise<VsJson> =>
  JSON.parse(
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      name,
      '-o',
      'json',
    ]),
  ) as VsJson;
const exists = async (kind: string, name: string): Promise<boolean> =>
  (
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      kind,
      '--ignore-not-found',
      '-o',
      'name',
    ])
  ).includes(`/${name}\n`);
const weightsOf = (route: Route | undefined) =>
  Object.fromEntries((route?.route ?? []).map((r) => [r.destination.subset ?? '', r.weight]));

const shift = (server: RunningServer, svc: string, body: unknown, query = '') =>
  getJson(`${server.url}/api/namespaces/bookinfo/services/${svc}/traffic-shift${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Waits until the server's cache has seen the object at this resourceVersion (or gone). */
const cacheSees = (server: RunningServer, resource: string, name: string, rv: string | null) =>
  waitFor(
    () =>
      (server.cache.get(resource as 'virtualservices', 'bookinfo', name)?.metadata.resourceVersion ??
        null) === rv,
    {
      timeoutMs: 10_000,
      what: `${resource}/${name} at ${rv ?? 'deleted'} in the cache`,
    },
  );

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, seed: 3 });
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
  readOnly = await startServer({ ...common, context: ADMIN_CONTEXT, readOnly: true });
  // An unrelated rule that every shift must keep: jason goes to v2, everyone else to v3.
  await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
    '-n',
    'bookinfo',
    'apply',
    '-f',
    fixture('bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml'),
  ]);
  const vs = await getVs('reviews');
  await cacheSees(admin, 'virtualservices', 'reviews', vs.metadata.resourceVersion);
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await viewer?.close();
  await readOnly?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('traffic shift', () => {
  it('previews with ?dryRun=true: the would-be objects and a YAML diff, nothing written', async () => {
    const before = await getVs('reviews');
    const res = await shift(admin, 'reviews', { weights: { v1: 50, v3: 50 } }, '?dryRun=true');
    expect(res.status).toBe(200);
    const body = TrafficShiftResponse.parse(res.body);
    expect(body.applied).toBe(false);
    expect(body.historyId).toBeUndefined();
    expect(body.diff).toContain('VirtualService bookinfo/reviews');
    expect(body.diff).toMatch(/^\+ +weight: 50$/m);
    expect(body.diff).not.toContain('jason');
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const { body: history } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=reviews`);
    expect(HistoryList.parse(history).entries).toEqual([]);
  });

  it('refuses bad bodies with the field at fault and writes nothing', async () => {
    const before = await getVs('reviews');
    const cases: [unknown, number, string][] = [
      [{ weights: { v1: 50, v3: 40 } }, 400, 'weights: must add up to 100, they add up to 90.'],
      [{ weights: { v1: 50.5, v3: 49.5 } }, 400, 'weights.v1: must be a whole number'],
      [{ weights: { v1: 150, v3: -50 } }, 400, 'weights.v1: must be between 0 and 100'],
      [{ weights: { v1: 50, v9: 50 } }, 422, 'weights.v9: no subset "v9"; the service has v1, v2, v3.'],
      [{ weights: { v1: '50', v3: 50 } }, 400, 'weights.v1'],
      [{ weight: { v1: 100 } }, 400, 'weights'],
      ['{', 400, 'not valid JSON'],
    ];
    for (const [body, status, message] of cases) {
      const res = await shift(admin, 'reviews', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(ApiErrorBody.parse(res.body).error.message).toContain(message);
    }
    expect((await shift(admin, 'nosuch', { weights: { v1: 100 } })).status).toBe(404);
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('writes the weights kubectl then reads, and keeps the jason match rule', async () => {
    const before = await getVs('reviews');
    const res = await shift(admin, 'reviews', {
      weights: { v1: 50, v3: 50 },
      resourceVersion: before.metadata.resourceVersion,
    });
    expect(res.status).toBe(200);
    const body = TrafficShiftResponse.parse(res.body);
    expect(body.applied).toBe(true);
    expect(body.historyId).toBeDefined();
    const after = await getVs('reviews');
    expect(after.spec.http).toHaveLength(2);
    expect(after.spec.http[0]).toEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    });
    expect(weightsOf(after.spec.http[1])).toEqual({ v1: 50, v3: 50 });
    await cacheSees(admin, 'virtualservices', 'reviews', after.metadata.resourceVersion);
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
    await cacheSees(admin, 'virtualservices', 'reviews', edited.metadata.resourceVersion);
    const res = await shift(admin, 'reviews', {
      weights: { v1: 10, v3: 90 },
      resourceVersion: loaded.metadata.resourceVersion,
    });
    expect(res.status).toBe(409);
    const err = ApiErrorBody.parse(res.body).error;
    expect(err.code).toBe('conflict');
    expect(err.details).toMatchObject({
      current: {
        metadata: {
          resourceVersion: edited.metadata.resourceVersion,
          annotations: { 'sextant.test/other': 'edit' },
        },
      },
    });
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(edited.metadata.resourceVersion);
  });

  it('refuses the viewer with 403 and the RBAC reason, and --read-only with 403', async () => {
    const before = await getVs('reviews');
    const denied = await shift(viewer, 'reviews', { weights: { v1: 100 } });
    expect(denied.status).toBe(403);
    const err = ApiErrorBody.parse(denied.body).error;
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/forbidden|cannot/i);
    const ro = await shift(readOnly, 'reviews', { weights: { v1: 100 } });
    expect(ro.status).toBe(403);
    expect(ApiErrorBody.parse(ro.body).error.message).toContain('--read-only');
    expect((await getVs('reviews')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('creates DestinationRule subsets from the version labels when none exist', async () => {
    await kubectl(sim.kubeconfig, ADMIN_CONTEXT, ['-n', 'bookinfo', 'delete', 'destinationrule', 'details']);
    await cacheSees(admin, 'destinationrules', 'details', null);
    expect(await exists('virtualservice', 'details')).toBe(false);
    const res = await shift(admin, 'details', { weights: { v1: 100 } });
    expect(res.status).toBe(200);
    const dr = JSON.parse(
      await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
        '-n',
        'bookinfo',
        'get',
        'destinationrule',
        'details',
        '-o',
        'json',
      ]),
    ) as { spec: unknown };
    expect(dr.spec).toEqual({ host: 'details', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    expect(weightsOf((await getVs('details')).spec.http[0])).toEqual({ v1: 100 });
  });
});

describe('history and rollback', () => {
  const entries = async (server: RunningServer, service: string) => {
    const res = await getJson(`${server.url}/api/history?namespace=bookinfo&service=${service}`);
    expect(res.status).toBe(200);
    return HistoryList.parse(res.body).entries;
  };
  const rollback = (server: RunningServer, id: string) =>
    getJson(`${server.url}/api/history/${id}/rollback`, {
      method: 'POST',
      headers: { 'x-sextant-request': '1' },
    });

  it('records who, when, before and after for every applied change', async () => {
    const [latest, ...rest] = await entries(admin, 'reviews');
    expect(rest).toEqual([]);
    expect(latest).toMatchObject({
      user: expect.any(String),
      action: 'traffic-shift',
      summary: 'v1 50%, v3 50%',
    });
    expect(Date.parse(latest?.at ?? '')).toBeGreaterThan(Date.now() - 120_000);
    const change = latest?.changes[0];
    expect(change?.resource).toBe('virtualservices');
    expect(JSON.stringify(change?.before)).not.toContain('"weight"');
    expect(JSON.stringify(change?.after)).toContain('"weight":50');
  });

  it('refuses to roll back over a newer edit (409), then restores the previous weights', async () => {
    const [old] = await entries(admin, 'reviews');
    if (!old) throw new Error('no history for reviews');
    // The kubectl annotation above came after this entry.
    const refused = await rollback(admin, old.id);
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body).error.message).toContain('changed after this entry');

    const current = await getVs('reviews');
    const res = await shift(admin, 'reviews', {
      weights: { v1: 90, v3: 10 },
      resourceVersion: current.metadata.resourceVersion,
    });
    expect(res.status).toBe(200);
    const { historyId } = TrafficShiftResponse.parse(res.body);
    expect(weightsOf((await getVs('reviews')).spec.http[1])).toEqual({ v1: 90, v3: 10 });

    const undone = await rollback(admin, historyId ?? '');
    expect(undone.status).toBe(200);
    const body = RollbackResponse.parse(undone.body);
    expect(body.entry).toMatchObject({ action: 'rollback', rollbackOf: historyId });
    expect(body.diff).toMatch(/^- +weight: 90$/m);
    const restored = await getVs('reviews');
    expect(weightsOf(restored.spec.http[1])).toEqual({ v1: 50, v3: 50 });
    expect(restored.spec.http[0]?.match).toEqual([{ headers: { 'end-user': { exact: 'jason' } } }]);
    expect(restored.metadata.annotations?.['sextant.test/other']).toBe('edit');
  });

  it('rolls back a shift that created objects by deleting them', async () => {
    const [created] = await entries(admin, 'details');
    if (!created) throw new Error('no history for details');
    const res = await rollback(admin, created.id);
    expect(res.status).toBe(200);
    expect(await exists('virtualservice', 'details')).toBe(false);
    expect(await exists('destinationrule', 'details')).toBe(false);
  });

  it('keeps the history across a new server instance', async () => {
    const again = await startServer({
      kubeconfig: sim.kubeconfig,
      context: VIEWER_CONTEXT,
      port: 0,
      logger: silentLogger(),
      webDist: '/nonexistent',
      stateDir,
    });
    try {
      const list = await entries(again, 'reviews');
      expect(list.map((e) => e.action)).toEqual(['rollback', 'traffic-shift', 'traffic-shift']);
      expect(list[1]?.summary).toBe('v1 90%, v3 10%');
      // The viewer may read the history but not undo it.
      expect((await rollback(again, list[0]?.id ?? '')).status).toBe(403);
    } finally {
      await again.close();
    }
  });
});

describe('route policy (timeout, retries, fault injection)', () => {
  const policy = (body: unknown, query = '') =>
    getJson(`${admin.url}/api/namespaces/bookinfo/services/ratings/route-policy${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a bad duration with the field and writes nothing', async () => {
    const res = await policy({
      policy: { timeout: '3 seconds', fault: { abort: { percent: 10, httpStatus: 900 } } },
    });
    expect(res.status).toBe(400);
    const message = ApiErrorBody.parse(res.body).error.message;
    expect(message).toContain('timeout: a positive duration');
    expect(message).toContain('fault.abort.httpStatus');
    expect(await exists('virtualservice', 'ratings')).toBe(false);
  });

  it('sets a timeout and an abort fault, and a later shift keeps them', async () => {
    const res = await policy({
      policy: { timeout: '3s', fault: { abort: { percent: 10, httpStatus: 503 } } },
    });
    expect(res.status).toBe(200);
    expect(TrafficShiftResponse.parse(res.body).diff).toMatch(/^\+ +httpStatus: 503$/m);
    const created = await getVs('ratings');
    expect(created.spec.http).toEqual([
      {
        route: [{ destination: { host: 'ratings' } }],
        timeout: '3s',
        fault: { abort: { percentage: { value: 10 }, httpStatus: 503 } },
      },
    ]);
    await cacheSees(admin, 'virtualservices', 'ratings', created.metadata.resourceVersion);

    const shifted = await shift(admin, 'ratings', {
      weights: { v1: 90, v2: 10 },
      resourceVersion: created.metadata.resourceVersion,
    });
    expect(shifted.status).toBe(200);
    const after = await getVs('ratings');
    expect(after.spec.http).toHaveLength(1);
    expect(after.spec.http[0]).toMatchObject({ timeout: '3s', fault: { abort: { httpStatus: 503 } } });
    expect(weightsOf(after.spec.http[0])).toEqual({ v1: 90, v2: 10 });
    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=ratings`);
    expect(HistoryList.parse(body).entries.map((e) => [e.action, e.summary])).toEqual([
      ['traffic-shift', 'v1 90%, v2 10%'],
      ['route-policy', 'timeout 3s, abort 503 for 10%'],
    ]);
  });

  it('removes routing (409 when stale), and a rollback brings the VirtualService back', async () => {
    const current = await getVs('ratings');
    const remove = (rv: string) =>
      getJson(`${admin.url}/api/namespaces/bookinfo/services/ratings/routing?resourceVersion=${rv}`, {
        method: 'DELETE',
        headers: { 'x-sextant-request': '1' },
      });
    expect((await remove('1')).status).toBe(409);
    const res = await remove(current.metadata.resourceVersion);
    expect(res.status).toBe(200);
    expect(TrafficShiftResponse.parse(res.body).diff).toMatch(/^\+\+\+ \/dev\/null$/m);
    expect(await exists('virtualservice', 'ratings')).toBe(false);
    await cacheSees(admin, 'virtualservices', 'ratings', null);
    expect((await remove(current.metadata.resourceVersion)).status).toBe(404);

    const { body } = await getJson(`${admin.url}/api/history?namespace=bookinfo&service=ratings`);
    const [removal] = HistoryList.parse(body).entries;
    expect(removal?.action).toBe('remove-routing');
    const back = await getJson(`${admin.url}/api/history/${removal?.id ?? ''}/rollback`, {
      method: 'POST',
      headers: { 'x-sextant-request': '1' },
    });
    expect(back.status).toBe(200);
    expect((await getVs('ratings')).spec.http[0]).toMatchObject({ timeout: '3s' });
  });

  it('sets circuit breaking and a load balancer on the DestinationRule, keeping its subsets', async () => {
    const drJson = async () =>
      JSON.parse(
        await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
          '-n',
          'bookinfo',
          'get',
          'destinationrule',
          'reviews',
          '-o',
          'json',
        ]),
      ) as { metadata: { resourceVersion: string }; spec: { subsets: unknown[]; trafficPolicy?: unknown } };
    const before = await drJson();
    const post = (body: unknown) =>
      getJson(`${admin.url}/api/namespaces/bookinfo/services/reviews/destination-policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ policy: { outlierDetection: { consecutive5xxErrors: 0 } } });
    expect(bad.status).toBe(400);
    expect(ApiErrorBody.parse(bad.body).error.message).toContain('outlierDetection.consecutive5xxErrors');
    expect((await post({ policy: {}, resourceVersion: '1' })).status).toBe(409);
    const ok = await post({
      policy: {
        loadBalancer: 'LEAST_REQUEST',
        connectionPool: { maxConnections: 50 },
        outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: '30s' },
      },
      resourceVersion: before.metadata.resourceVersion,
    });
    expect(ok.status).toBe(200);
    const after = await drJson();
    expect(after.spec.subsets).toEqual(before.spec.subsets);
    expect(after.spec.trafficPolicy).toEqual({
      loadBalancer: { simple: 'LEAST_REQUEST' },
      connectionPool: { tcp: { maxConnections: 50 } },
      outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: '30s' },
    });
  });
});
