import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CONTEXT, startMeshSim } from '@sextant/mesh-sim';
import type { MeshSim } from '@sextant/mesh-sim';
import { ApiErrorBody, AuthInfo, HistoryList, NamespaceList } from '@sextant/shared';
import { startServer } from '../src/server';
import type { RunningServer } from '../src/server';
import { getJson, kubectl, silentLogger } from './helpers';

// --auth header behind an authenticating proxy: the proxy names the user and groups in trusted
// headers; Sextant asks the API server as them through impersonation (Impersonate-User and one
// Impersonate-Group per group), and mesh-sim checks both the impersonation and the user's RBAC.
let sim: MeshSim;
let server: RunningServer;
let stateDir: string;

const admin = (args: string[]) => kubectl(sim.kubeconfig, ADMIN_CONTEXT, args);

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, seed: 5 });
  stateDir = await mkdtemp(join(tmpdir(), 'sextant-auth-header-'));
  server = await startServer({
    kubeconfig: sim.kubeconfig,
    context: ADMIN_CONTEXT,
    port: 0,
    logger: silentLogger(),
    webDist: '/nonexistent',
    auth: 'header',
    authHeaderUser: 'X-Forwarded-User',
    authHeaderGroups: 'X-Forwarded-Groups',
    stateDir,
  });
  // Group `bookinfo-editors` may read bookinfo and edit its Istio objects; nothing else.
  await admin([
    '-n',
    'bookinfo',
    'create',
    'role',
    'istio-editor',
    '--verb=get,list,watch,create,update,patch,delete',
    '--resource=pods,services,deployments.apps,virtualservices.networking.istio.io,destinationrules.networking.istio.io',
  ]);
  await admin([
    '-n',
    'bookinfo',
    'create',
    'rolebinding',
    'bookinfo-editors',
    '--role=istio-editor',
    '--group=bookinfo-editors',
  ]);
  await admin([
    '-n',
    'bookinfo',
    'create',
    'rolebinding',
    'bookinfo-viewers',
    '--clusterrole=view',
    '--group=bookinfo-viewers',
  ]);
});

afterAll(async () => {
  await server?.close();
  await sim?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const as = (user: string, groups?: string) => ({
  'x-forwarded-user': user,
  ...(groups === undefined ? {} : { 'x-forwarded-groups': groups }),
});

describe('--auth header', () => {
  it('answers 401 in words when the proxy named nobody', async () => {
    const res = await getJson(`${server.url}/api/namespaces`);
    expect(res.status).toBe(401);
    expect(ApiErrorBody.parse(res.body).error.message).toBe(
      'Not signed in: Sextant expects the X-Forwarded-User header from an authenticating proxy.',
    );
    const info = AuthInfo.parse((await getJson(`${server.url}/api/auth/info`)).body);
    expect(info).toMatchObject({ strategy: 'header', authenticated: false });
  });

  it('reads as the named user: a user with no bindings sees nothing', async () => {
    const res = await getJson(`${server.url}/api/namespaces`, { headers: as('nobody') });
    expect(res.status).toBe(200);
    expect(NamespaceList.parse(res.body).namespaces).toEqual([]);
  });

  it('sends every group apart: the second of two groups grants bookinfo', async () => {
    const headers = as('jane', 'designers, bookinfo-editors');
    const ns = NamespaceList.parse((await getJson(`${server.url}/api/namespaces`, { headers })).body);
    expect(ns.namespaces.map((n) => n.name)).toEqual(['bookinfo']);
    const info = AuthInfo.parse((await getJson(`${server.url}/api/auth/info`, { headers })).body);
    expect(info).toMatchObject({
      strategy: 'header',
      authenticated: true,
      user: 'jane',
      groups: ['designers', 'bookinfo-editors'],
      permissions: { bookinfo: { canEdit: true } },
    });
  });

  it('writes as the named user and records that name', async () => {
    const headers = { ...as('jane', 'bookinfo-editors'), 'content-type': 'application/json' };
    const res = await getJson(`${server.url}/api/namespaces/bookinfo/services/reviews/traffic-shift`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ weights: { v1: 60, v2: 40 } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const weights = await admin([
      '-n',
      'bookinfo',
      'get',
      'virtualservice',
      'reviews',
      '-o',
      'jsonpath={.spec.http[-1:].route[*].weight}',
    ]);
    expect(weights).toBe('60 40');
    const history = HistoryList.parse((await getJson(`${server.url}/api/history`, { headers })).body);
    expect(history.entries[0]).toMatchObject({ user: 'jane', namespace: 'bookinfo' });

    // Only in the viewers' group, the same user reads bookinfo but may not write: the API
    // server's refusal, in words, naming her.
    const refused = await getJson(`${server.url}/api/namespaces/bookinfo/services/reviews/traffic-shift`, {
      method: 'POST',
      headers: { ...as('jane', 'bookinfo-viewers'), 'content-type': 'application/json' },
      body: JSON.stringify({ weights: { v1: 100, v2: 0 } }),
    });
    expect(refused.status).toBe(403);
    expect(ApiErrorBody.parse(refused.body).error.message).toMatch(/jane/);
  });
});
