import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import {
  ApiErrorBody,
  AuthInfo,
  GraphResponse,
  HistoryList,
  IstioList,
  NamespaceList,
  ServiceList,
  WorkloadList,
} from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, readEvents, silentLogger, waitFor } from './helpers';

// --auth token against mesh-sim: the API server decides who a token is (SelfSubjectReview) and
// what it may read; nothing is served to a token it does not accept.
let sim: MeshSim;
let server: RunningServer;
let stateDir: string;

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, seed: 3 });
  stateDir = await mkdtemp(join(tmpdir(), 'sextant-auth-'));
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    auth: 'token',
    stateDir,
    loginAttemptsPerMinute: 8,
  });
});

afterAll(async () => {
  await server?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const READ_ENDPOINTS = [
  '/api/namespaces',
  '/api/istio',
  '/api/istio?namespace=bookinfo',
  '/api/istio/bookinfo/virtualservices/reviews',
  '/api/workloads',
  '/api/workloads/bookinfo/reviews-v1',
  '/api/services',
  '/api/services/bookinfo/reviews',
  '/api/history',
  '/api/graph?namespaces=bookinfo&duration=60s',
  '/api/status',
  '/api/events',
];

const MADE_UP = ['x', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl', 'a'.repeat(48)];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs in through POST /api/auth/login and returns the session cookie. */
async function signIn(
  token: string,
): Promise<{ status: number; cookie?: string; setCookie: string[]; body: unknown }> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const setCookie = res.headers.getSetCookie();
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ') || undefined;
  return { status: res.status, cookie, setCookie, body: await res.json().catch(() => undefined) };
}

describe('--auth token: nothing is read without a token the API server accepts', () => {
  it.each(READ_ENDPOINTS)('GET %s without credentials → 401 in words', async (path) => {
    const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { error } = ApiErrorBody.parse(await res.json());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('Not signed in');
  });

  it.each(READ_ENDPOINTS.flatMap((p) => MADE_UP.map((t) => [p, t] as const)))(
    'GET %s with made-up token %s → 401',
    async (path, token) => {
      const res = await fetch(`${server.url}${path}`, {
        headers: bearer(token),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(401);
      const { error } = ApiErrorBody.parse(await res.json());
      expect(error.message).toMatch(/Kubernetes did not accept/);
    },
  );

  it('a made-up session cookie reads nothing either', async () => {
    const res = await getJson(`${server.url}/api/namespaces`, {
      headers: { cookie: 'sextant_session=Fe26.2**forged**cookie' },
    });
    expect(res.status).toBe(401);
  });

  it('GET /api/auth/info answers who is signed in: nobody, or 401 for a made-up token', async () => {
    const { status, body } = await getJson(`${server.url}/api/auth/info`);
    expect(status).toBe(200);
    expect(AuthInfo.parse(body)).toMatchObject({
      strategy: 'token',
      authenticated: false,
      user: '',
      groups: [],
      permissions: {},
    });
    expect((await getJson(`${server.url}/api/auth/info`, { headers: bearer('made-up') })).status).toBe(401);
  });

  it('Secrets are never served', async () => {
    const res = await getJson(`${server.url}/api/istio/bookinfo/secrets/anything`, {
      headers: bearer(sim.tokens.admin),
    });
    expect(res.status).toBe(404);
  });
});

describe('--auth token: sign in, read, sign out', () => {
  it('refuses a made-up token at sign-in, in words, and sets no cookie', async () => {
    const r = await signIn('not-a-real-token');
    expect(r.status).toBe(401);
    expect(r.setCookie).toEqual([]);
    expect(ApiErrorBody.parse(r.body).error.message).toBe(
      'Kubernetes did not accept this token: it is unknown, revoked or expired. Sign in again.',
    );
    const empty = await signIn('');
    expect(empty.status).toBe(400);
    expect(ApiErrorBody.parse(empty.body).error.message).toContain('token: paste a Kubernetes bearer token');
  });

  it('keeps the token sealed in an httpOnly SameSite=Strict cookie, and reads as the token’s user', async () => {
    const r = await signIn(sim.tokens.viewer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: 'mesh-sim-viewer' });
    expect(r.setCookie).toHaveLength(1);
    const [cookie] = r.setCookie;
    expect(cookie).toMatch(/^sextant_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toContain(sim.tokens.viewer);

    const headers = { cookie: r.cookie ?? '' };
    const ns = await getJson(`${server.url}/api/namespaces`, { headers });
    expect(ns.status).toBe(200);
    expect(NamespaceList.parse(ns.body).namespaces.map((n) => n.name)).toContain('bookinfo');
    const info = AuthInfo.parse((await getJson(`${server.url}/api/auth/info`, { headers })).body);
    expect(info).toMatchObject({
      strategy: 'token',
      authenticated: true,
      user: 'mesh-sim-viewer',
      permissions: { bookinfo: { canEdit: false } },
    });
    expect(info.groups).toContain('system:authenticated');
    expect(info.expiresAt).toBeGreaterThan(Date.now());

    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { ...headers, 'x-sextant-request': '1' },
    });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().join('\n');
    expect(cleared).toMatch(/sextant_session=;/);
    expect(cleared).toMatch(/Max-Age=0/i);
    const after = await getJson(`${server.url}/api/namespaces`, { headers: { cookie: 'sextant_session=' } });
    expect(after.status).toBe(401);
    // A copy of the cookie taken before signing out opens nothing either.
    const copy = await getJson(`${server.url}/api/namespaces`, { headers });
    expect(copy.status).toBe(401);
  });

  it('scripts may still send Authorization: Bearer', async () => {
    const res = await getJson(`${server.url}/api/workloads?namespace=bookinfo`, {
      headers: bearer(sim.tokens.viewer),
    });
    expect(res.status).toBe(200);
  });

  it('records the signed-in user’s real name in the history', async () => {
    const r = await signIn(sim.tokens.admin);
    expect(r.status).toBe(200);
    const headers = { cookie: r.cookie ?? '', 'content-type': 'application/json' };
    const shift = await getJson(`${server.url}/api/namespaces/bookinfo/services/reviews/traffic-shift`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ weights: { v1: 70, v2: 30 } }),
    });
    expect(shift.status).toBe(200);
    const weights = await kubectl(sim.kubeconfig, ADMIN_CONTEXT, [
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'jsonpath={.spec.http[0].route[*].weight}',
    ]);
    expect(weights).toBe('70 30');
    const history = HistoryList.parse(
      (await getJson(`${server.url}/api/history?namespace=bookinfo`, { headers })).body,
    );
    expect(history.entries[0]).toMatchObject({ user: 'mesh-sim-admin', service: 'reviews' });
  });

  it('slows down guessing: failed sign-ins beyond the limit get 429 in words', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(`guess-${i}`)).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    const r = await signIn('guess-again');
    expect(r.status).toBe(429);
    expect(ApiErrorBody.parse(r.body).error.message).toBe(
      'Too many failed sign-in attempts: wait a minute and try again.',
    );
  });
});

describe('session expiry', () => {
  it('ends a session at --session-max-age: the same cookie then reads nothing', async () => {
    const short = await startServer({
      kubeconfig: sim.kubeconfig,
      context: ADMIN_CONTEXT,
      port: 0,
      logger: silentLogger(),
      webDist: '/nonexistent',
      auth: 'token',
      stateDir,
      sessionMaxAgeSeconds: 2,
    });
    try {
      const res = await fetch(`${short.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: sim.tokens.viewer }),
      });
      expect(res.status).toBe(200);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { expiresAt } = (await res.json()) as { expiresAt: number };
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(2_000);
      expect((await getJson(`${short.url}/api/namespaces`, { headers: { cookie } })).status).toBe(200);
      const ended = await waitFor(
        async () => {
          const r = await getJson(`${short.url}/api/namespaces`, { headers: { cookie } });
          return r.status === 401 ? Date.now() : undefined;
        },
        { timeoutMs: 15_000, what: 'the session to end' },
      );
      expect(ended).toBeGreaterThanOrEqual(expiresAt);
      const info = AuthInfo.parse(
        (await getJson(`${short.url}/api/auth/info`, { headers: { cookie } })).body,
      );
      expect(info.authenticated).toBe(false);
    } finally {
      await short.close();
    }
  });
});

describe('the viewer’s RBAC decides every read', () => {
  // A ServiceAccount that may read only in bookinfo, made with kubectl as an operator would.
  let limited: string;
  const admin = (args: string[]) => kubectl(sim.kubeconfig, ADMIN_CONTEXT, args);

  beforeAll(async () => {
    await admin(['-n', 'bookinfo', 'create', 'serviceaccount', 'limited']);
    await admin([
      '-n',
      'bookinfo',
      'create',
      'role',
      'reader',
      '--verb=get,list,watch',
      '--resource=pods,services,endpoints,deployments.apps,replicasets.apps,virtualservices.networking.istio.io,destinationrules.networking.istio.io',
    ]);
    await admin([
      '-n',
      'bookinfo',
      'create',
      'rolebinding',
      'limited-reader',
      '--role=reader',
      '--serviceaccount=bookinfo:limited',
    ]);
    limited = (await admin(['-n', 'bookinfo', 'create', 'token', 'limited'])).trim();
    // Something to hide in the history: a change in another namespace, by the admin.
    const pa = await getJson(`${server.url}/api/namespaces/curl/peer-authentication`, {
      method: 'POST',
      headers: { ...bearer(sim.tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'PERMISSIVE' }),
    });
    expect(pa.status).toBe(200);
  });

  const read = async (path: string) => {
    const res = await getJson(`${server.url}${path}`, { headers: bearer(limited) });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  it('lists only bookinfo: namespaces, services, workloads, Istio objects', async () => {
    const admins = NamespaceList.parse(
      (await getJson(`${server.url}/api/namespaces`, { headers: bearer(sim.tokens.admin) })).body,
    ).namespaces.map((n) => n.name);
    expect(admins).toEqual(expect.arrayContaining(['bookinfo', 'curl', 'istio-system']));

    expect(NamespaceList.parse(await read('/api/namespaces')).namespaces.map((n) => n.name)).toEqual([
      'bookinfo',
    ]);
    const services = ServiceList.parse(await read('/api/services')).services;
    expect(services.map((x) => x.name)).toEqual(expect.arrayContaining(['productpage', 'reviews']));
    expect(new Set(services.map((x) => x.namespace))).toEqual(new Set(['bookinfo']));
    const workloads = WorkloadList.parse(await read('/api/workloads')).workloads;
    expect(workloads.length).toBeGreaterThan(3);
    expect(new Set(workloads.map((x) => x.namespace))).toEqual(new Set(['bookinfo']));
    expect(WorkloadList.parse(await read('/api/workloads?namespace=curl')).workloads).toEqual([]);
    const istio = IstioList.parse(await read('/api/istio')).items;
    expect(istio.map((o) => `${o.resource}/${o.object.metadata.name}`)).toContain('virtualservices/reviews');
    expect(new Set(istio.map((o) => o.object.metadata.namespace))).toEqual(new Set(['bookinfo']));
    // Gateways are not in its Role: absent even in bookinfo, where the admin sees one.
    const adminIstio = IstioList.parse(
      (await getJson(`${server.url}/api/istio?namespace=bookinfo`, { headers: bearer(sim.tokens.admin) }))
        .body,
    ).items;
    expect(adminIstio.filter((o) => o.resource === 'gateways').length).toBeGreaterThan(0);
    expect(istio.filter((o) => o.resource === 'gateways')).toEqual([]);
    expect(
      (await getJson(`${server.url}/api/workloads/curl/curl`, { headers: bearer(limited) })).status,
    ).toBe(404);

    const info = AuthInfo.parse(await read('/api/auth/info'));
    expect(info.user).toBe('system:serviceaccount:bookinfo:limited');
    expect(Object.keys(info.permissions)).toEqual(['bookinfo']);
  });

  it('draws bookinfo, and refuses a graph of a namespace it may not see with 403 in words', async () => {
    const g = GraphResponse.parse(await read('/api/graph?namespaces=bookinfo&duration=60s'));
    expect(g.nodes.map((n) => n.id)).toContain('svc:bookinfo:reviews');
    expect(g.nodes.filter((n) => n.namespace !== 'bookinfo' && n.nodeType !== 'unknown')).toEqual([]);
    const res = await getJson(`${server.url}/api/graph?namespaces=bookinfo,curl&duration=60s`, {
      headers: bearer(limited),
    });
    expect(res.status).toBe(403);
    expect(ApiErrorBody.parse(res.body).error.message).toMatch(
      /^Your Kubernetes user may not see namespace curl:/,
    );
  });

  it('shows only bookinfo’s history', async () => {
    const all = HistoryList.parse(
      (await getJson(`${server.url}/api/history`, { headers: bearer(sim.tokens.admin) })).body,
    ).entries;
    expect(all.map((e) => e.namespace)).toEqual(expect.arrayContaining(['bookinfo', 'curl']));
    const mine = HistoryList.parse(await read('/api/history')).entries;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.namespace))).toEqual(new Set(['bookinfo']));
  });

  it('streams only bookinfo’s changes on /api/events', async () => {
    const seen: { namespace?: string; name: string }[] = [];
    const url = `${server.url}/api/events`;
    const events = readEvents(
      url,
      (_event, data) => seen.push(JSON.parse(data) as { namespace?: string; name: string }),
      bearer(limited),
    );
    await events.opened;
    try {
      // The hidden change first: when the visible one arrives, the hidden one would have too.
      await admin([
        '-n',
        'curl',
        'annotate',
        'service',
        'curl',
        `sextant.test/at=${Date.now()}`,
        '--overwrite',
      ]);
      await admin([
        '-n',
        'bookinfo',
        'annotate',
        'service',
        'ratings',
        `sextant.test/at=${Date.now()}`,
        '--overwrite',
      ]);
      await waitFor(() => seen.some((e) => e.name === 'ratings'), {
        timeoutMs: 15_000,
        what: 'the bookinfo event',
      });
      expect(seen.filter((e) => e.namespace !== 'bookinfo')).toEqual([]);
    } finally {
      events.close();
    }
  });
});
