/**
 * ServiceAccount tokens (`kubectl create token`), SelfSubjectReview (`kubectl auth whoami`),
 * TokenReview and impersonation (`kubectl --as/--as-group`), each with the RBAC checks
 * kube-apiserver makes, driven by the real kubectl and raw HTTPS.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { caFromKubeconfig, httpsRequest } from './helpers/https';
import { kubectl } from './helpers/kubectl';
import type { KubectlOptions } from './helpers/kubectl';
import { makeTempDir } from './helpers/tempDir';

let sim: MeshSim;
let ca: string;
const tmp = makeTempDir('mesh-sim-tokens-');
const VIEWER = { context: 'mesh-sim-viewer' };

const k = (args: string[], extra: Partial<KubectlOptions> = {}) =>
  kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir: join(tmp.path, 'cache'), ...extra });

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
  ca = caFromKubeconfig(sim.kubeconfig);
  const r = await k(['apply', '-f', '-'], {
    stdin: `apiVersion: v1
kind: ServiceAccount
metadata: {name: robot, namespace: bookinfo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: robot-reads-pods, namespace: bookinfo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: robot, namespace: bookinfo}
`,
  });
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(async () => {
  await sim?.stop();
  tmp.remove();
});

describe('ServiceAccount tokens', () => {
  it('kubectl create token gives a signed JWT that authenticates as the ServiceAccount, with its RBAC', async () => {
    const created = await k(['create', 'token', 'robot', '-n', 'bookinfo', '--duration', '15m']);
    expect(created.stderr).toBe('');
    const token = created.stdout.trim();
    const c = claims(token);
    expect(c).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:bookinfo:robot',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      'kubernetes.io': { namespace: 'bookinfo', serviceaccount: { name: 'robot' } },
    });
    expect(Number(c.exp) - Number(c.iat)).toBe(900);

    const whoami = await k(['auth', 'whoami', '--token', token]);
    expect(whoami.stdout).toMatch(/^Username\s+system:serviceaccount:bookinfo:robot$/m);
    expect(whoami.stdout).toMatch(
      /^Groups\s+\[system:serviceaccounts system:serviceaccounts:bookinfo system:authenticated\]$/m,
    );

    const pods = await k(['get', 'pods', '-n', 'bookinfo', '-o', 'name', '--token', token]);
    expect(pods.code).toBe(0);
    expect(pods.stdout).toContain('pod/productpage-v1-');
    const elsewhere = await k(['get', 'pods', '-n', 'istio-system', '--token', token]);
    expect(elsewhere.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:bookinfo:robot" cannot list resource "pods" in API group "" in the namespace "istio-system"',
    );
    const rules = await k(['auth', 'can-i', '--list', '-n', 'bookinfo', '--token', token]);
    expect(rules.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });

  it('refuses a token for another audience, a tampered token, and the token of a recreated ServiceAccount', async () => {
    const other = await sim.createToken('bookinfo', 'robot', { audiences: ['vault'] });
    expect((await k(['get', 'pods', '-n', 'bookinfo', '--token', other])).stderr).toContain(
      'error: You must be logged in to the server (Unauthorized)',
    );
    const good = await sim.createToken('bookinfo', 'robot');
    const [h, p, s] = good.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims(good), sub: 'system:serviceaccount:kube-system:admin' }),
    ).toString('base64url');
    expect(
      (
        await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/bookinfo/pods', {
          token: `${h}.${forged}.${s}`,
        })
      ).status,
    ).toBe(401);
    expect(
      (await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/bookinfo/pods', { token: `${h}.${p}.${s}` }))
        .status,
    ).toBe(200);

    // Deleting the ServiceAccount invalidates its tokens, even once a new one of that name exists.
    expect((await k(['delete', 'sa', 'robot', '-n', 'bookinfo'])).code).toBe(0);
    expect((await k(['create', 'sa', 'robot', '-n', 'bookinfo'])).code).toBe(0);
    expect(
      (await httpsRequest(sim.apiServer, ca, '/api/v1/namespaces/bookinfo/pods', { token: good })).status,
    ).toBe(401);
  });

  it('validates TokenRequests as kube-apiserver does, and only lets those allowed create tokens', async () => {
    const short = await k(['create', 'token', 'robot', '-n', 'bookinfo', '--duration', '5m']);
    expect(short.stderr).toContain(
      'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    const missing = await k(['create', 'token', 'nobody', '-n', 'bookinfo']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
    const viewer = await k(['create', 'token', 'robot', '-n', 'bookinfo'], VIEWER);
    expect(viewer.stderr).toContain(
      'serviceaccounts "robot" is forbidden: User "mesh-sim-viewer" cannot create resource "serviceaccounts/token" in API group "" in the namespace "bookinfo"',
    );
  });
});

describe('TokenReview', () => {
  const review = (callerToken: string, body: unknown) =>
    httpsRequest(sim.apiServer, ca, '/apis/authentication.k8s.io/v1/tokenreviews', {
      method: 'POST',
      token: callerToken,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('tells callers allowed to create tokenreviews who a token belongs to, and refuses others', async () => {
    const saToken = await sim.createToken('bookinfo', 'robot');
    const ok = await review(sim.tokens.admin, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: sim.tokens.bookinfoEditor },
    });
    expect(ok.status).toBe(201);
    expect(ok.json()).toMatchObject({
      kind: 'TokenReview',
      status: {
        authenticated: true,
        user: { username: 'mesh-sim-bookinfo-editor', groups: ['system:authenticated'] },
      },
    });
    const sa = await review(sim.tokens.admin, { spec: { token: saToken } });
    expect(sa.json()).toMatchObject({
      status: { authenticated: true, user: { username: 'system:serviceaccount:bookinfo:robot' } },
    });
    const wrongAudience = await review(sim.tokens.admin, { spec: { token: saToken, audiences: ['vault'] } });
    expect(wrongAudience.json<{ status: Record<string, unknown> }>().status.authenticated).toBeUndefined();
    const bad = await review(sim.tokens.admin, { spec: { token: 'made-up' } });
    expect(bad.json()).toMatchObject({ status: { error: '[invalid bearer token, token lookup failed]' } });

    const refused = await review(sim.tokens.viewer, { spec: { token: sim.tokens.admin } });
    expect(refused.status).toBe(403);
    expect(refused.json<{ message: string }>().message).toBe(
      'tokenreviews.authentication.k8s.io is forbidden: User "mesh-sim-viewer" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope',
    );
  });
});

describe('impersonation', () => {
  it('runs the request as the impersonated user and groups when the caller may impersonate', async () => {
    const whoami = await k(['auth', 'whoami', '--as', 'alice', '--as-group', 'devs', '--as-group', 'ops']);
    expect(whoami.stdout).toMatch(/^Username\s+alice$/m);
    expect(whoami.stdout).toMatch(/^Groups\s+\[devs ops system:authenticated\]$/m);
    // alice has no bindings: as her, even the admin is refused.
    const asAlice = await k(['get', 'pods', '-n', 'bookinfo', '--as', 'alice']);
    expect(asAlice.stderr).toContain(
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "bookinfo"',
    );
    // …and gets exactly what a group binding gives.
    expect(
      (await k(['create', 'clusterrolebinding', 'devs-view', '--clusterrole', 'view', '--group', 'devs']))
        .code,
    ).toBe(0);
    expect(
      (await k(['get', 'pods', '-n', 'bookinfo', '-o', 'name', '--as', 'alice', '--as-group', 'devs'])).code,
    ).toBe(0);
    const can = await k([
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'bookinfo',
      '--as',
      'system:serviceaccount:bookinfo:robot',
    ]);
    expect(can.stdout.trim()).toBe('yes');
  });

  it('checks impersonation with its own RBAC rules: users, groups and ServiceAccounts', async () => {
    const asUser = await k(['get', 'pods', '--as', 'alice'], VIEWER);
    expect(asUser.stderr).toContain(
      'Error from server (Forbidden): users "alice" is forbidden: User "mesh-sim-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const grant = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-alice}
rules:
- {apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [alice]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewer-impersonates-alice}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-alice}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mesh-sim-viewer}
`;
    expect((await k(['apply', '-f', '-'], { stdin: grant })).code).toBe(0);
    const nowOk = await k(['auth', 'whoami', '--as', 'alice'], VIEWER);
    expect(nowOk.stdout).toMatch(/^Username\s+alice$/m);
    // (kubectl auth whoami words every 403 as "API not enabled", so these use get.)
    const otherUser = await k(['get', 'pods', '--as', 'bob'], VIEWER);
    expect(otherUser.stderr).toContain(
      'users "bob" is forbidden: User "mesh-sim-viewer" cannot impersonate resource "users"',
    );
    const withGroup = await k(['get', 'pods', '--as', 'alice', '--as-group', 'system:masters'], VIEWER);
    expect(withGroup.stderr).toContain(
      'groups "system:masters" is forbidden: User "mesh-sim-viewer" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
    const asSa = await k(
      ['get', 'pods', '-n', 'bookinfo', '--as', 'system:serviceaccount:bookinfo:robot'],
      VIEWER,
    );
    expect(asSa.stderr).toContain(
      'serviceaccounts "robot" is forbidden: User "mesh-sim-viewer" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "bookinfo"',
    );
  });
});
