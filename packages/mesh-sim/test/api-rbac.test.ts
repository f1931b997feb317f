/**
 * RBAC from real objects, driven by the real kubectl: the kubeconfig's contexts are ordinary
 * bindings, Roles and bindings applied with kubectl take effect on the next request, denials
 * are worded as kube-apiserver words them, and access reviews answer from the same rules.
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
const tmp = makeTempDir('mesh-sim-rbac-');
const EDITOR = { context: 'mesh-sim-bookinfo-editor' };
const VIEWER = { context: 'mesh-sim-viewer' };

const k = (args: string[], extra: Partial<KubectlOptions> = {}) =>
  kubectl(args, { kubeconfig: sim.kubeconfig, cacheDir: join(tmp.path, 'cache'), ...extra });

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
  const r = await k(['apply', '-f', '-'], {
    stdin: `apiVersion: v1
kind: Namespace
metadata: {name: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: reviews}
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings}}]}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
`,
  });
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(async () => {
  await sim?.stop();
  tmp.remove();
});

describe('RBAC from Role and binding objects', () => {
  it('serves the bootstrap roles and the bindings behind the kubeconfig contexts as objects', async () => {
    const roles = await k(['get', 'clusterroles', '-o', 'name']);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery'])
      expect(roles.stdout).toContain(`clusterrole.rbac.authorization.k8s.io/${name}\n`);
    const binding = await k([
      'get',
      'clusterrolebinding',
      'mesh-sim-viewer',
      '-o',
      'jsonpath={.roleRef.name} {.subjects[0].kind}/{.subjects[0].name}',
    ]);
    expect(binding.stdout).toBe('view User/mesh-sim-viewer');
    const editor = await k([
      'get',
      'rolebinding',
      'mesh-sim-bookinfo-editor',
      '-n',
      'bookinfo',
      '-o',
      'jsonpath={.roleRef.kind}/{.roleRef.name}',
    ]);
    expect(editor.stdout).toBe('ClusterRole/mesh-sim-istio-editor');
    // kubectl's columns for bindings: ROLE as Kind/name, subjects with -o wide.
    const wide = await k(['get', 'rolebindings', '-n', 'bookinfo', '-o', 'wide']);
    expect(wide.stdout).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
    expect(wide.stdout).toMatch(
      /^mesh-sim-bookinfo-editor\s+ClusterRole\/mesh-sim-istio-editor\s+\d+s\s+mesh-sim-bookinfo-editor\s*$/m,
    );
    // The view role holds no secrets, like the real one.
    const view = await k(['get', 'clusterrole', 'system:aggregate-to-view', '-o', 'json']);
    expect(view.stdout).not.toContain('secrets');
  });

  it('lets the bookinfo editor change Istio objects in bookinfo only, refused elsewhere in kube-apiserver words', async () => {
    const patched = await k(
      [
        'patch',
        'vs',
        'reviews',
        '-n',
        'bookinfo',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"labels":{"edited-by":"editor"}}}',
      ],
      EDITOR,
    );
    expect(patched.stderr).toBe('');
    expect(patched.stdout).toBe('virtualservice.networking.istio.io/reviews patched\n');

    const yaml = (await k(['get', 'vs', 'ratings', '-n', 'reviews', '-o', 'yaml'], EDITOR)).stdout;
    expect(yaml).toContain('name: ratings'); // reads like a viewer elsewhere
    const replaced = await k(['replace', '-f', '-'], { ...EDITOR, stdin: yaml });
    expect(replaced.code).toBe(1);
    expect(replaced.stderr).toContain(
      'Error from server (Forbidden): error when replacing "STDIN": virtualservices.networking.istio.io "ratings" is forbidden: User "mesh-sim-bookinfo-editor" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "reviews"',
    );
    const scaled = await k(
      ['scale', 'deployment', 'reviews-v1', '-n', 'bookinfo', '--replicas', '2'],
      EDITOR,
    );
    expect(scaled.stderr).toContain(
      'deployments.apps "reviews-v1" is forbidden: User "mesh-sim-bookinfo-editor" cannot patch resource "deployments/scale" in API group "apps" in the namespace "bookinfo"',
    );

    const can = async (args: string[]) => {
      const r = await k(['auth', 'can-i', ...args], EDITOR);
      return `${r.stdout.trim()} ${r.code}`;
    };
    expect(await can(['patch', 'virtualservices.networking.istio.io', '-n', 'bookinfo'])).toBe('yes 0');
    expect(await can(['create', 'authorizationpolicies.security.istio.io', '-n', 'bookinfo'])).toBe('yes 0');
    expect(await can(['patch', 'virtualservices.networking.istio.io', '-n', 'reviews'])).toBe('no 1');
    expect(await can(['get', 'secrets', '-n', 'bookinfo'])).toBe('no 1');

    const list = await k(['auth', 'can-i', '--list', '-n', 'bookinfo'], EDITOR);
    expect(list.stdout).toMatch(
      /^\*\.networking\.istio\.io\s+\[\]\s+\[\]\s+\[get list watch create delete deletecollection patch update\]$/m,
    );
    const elsewhere = await k(['auth', 'can-i', '--list', '-n', 'reviews'], EDITOR);
    expect(elsewhere.stdout).toMatch(/^\*\.networking\.istio\.io\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });

  it('answers SelfSubjectAccessReview with the binding that allowed it', async () => {
    const ca = caFromKubeconfig(sim.kubeconfig);
    const review = async (token: string, namespace: string) => {
      const r = await httpsRequest(
        sim.apiServer,
        ca,
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          method: 'POST',
          token,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                namespace,
                verb: 'update',
                group: 'networking.istio.io',
                resource: 'virtualservices',
              },
            },
          }),
        },
      );
      expect(r.status).toBe(201);
      return r.json<{ status: { allowed: boolean; reason?: string } }>().status;
    };
    expect(await review(sim.tokens.bookinfoEditor, 'bookinfo')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "mesh-sim-bookinfo-editor/bookinfo" of ClusterRole "mesh-sim-istio-editor" to User "mesh-sim-bookinfo-editor"',
    });
    expect(await review(sim.tokens.bookinfoEditor, 'reviews')).toEqual({ allowed: false });
    // system:masters is allowed before RBAC is asked, so no binding is named.
    expect(await review(sim.tokens.admin, 'reviews')).toEqual({ allowed: true });
  });

  it('refuses secrets and non-resource URLs outside the viewer role', async () => {
    const secrets = await k(['get', 'secrets', '-n', 'bookinfo'], VIEWER);
    expect(secrets.code).toBe(1);
    expect(secrets.stderr).toContain(
      'Error from server (Forbidden): secrets is forbidden: User "mesh-sim-viewer" cannot list resource "secrets" in API group "" in the namespace "bookinfo"',
    );
    const raw = await k(['get', '--raw', '/metrics'], VIEWER);
    expect(raw.stderr).toContain(
      'Error from server (Forbidden): forbidden: User "mesh-sim-viewer" cannot get path "/metrics"',
    );
  });

  it('takes a Role and RoleBinding applied with kubectl into account on the next request, and their removal too', async () => {
    const create = () =>
      k(['create', 'configmap', 'by-viewer', '-n', 'team', '--from-literal', 'a=1'], VIEWER);
    const before = await create();
    expect(before.stderr).toContain(
      'configmaps is forbidden: User "mesh-sim-viewer" cannot create resource "configmaps" in API group "" in the namespace "team"',
    );
    const grant = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: configmap-writer, namespace: team}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [create, get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewer-writes-configmaps, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-writer}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mesh-sim-viewer}
`;
    const applied = await k(['apply', '-f', '-'], { stdin: grant });
    expect(applied.stdout).toBe(
      'role.rbac.authorization.k8s.io/configmap-writer created\nrolebinding.rbac.authorization.k8s.io/viewer-writes-configmaps created\n',
    );
    const created = await create();
    expect(created.stdout).toBe('configmap/by-viewer created\n');
    const why = await k(['auth', 'can-i', 'create', 'configmaps', '-n', 'team', '-v', '0'], VIEWER);
    expect(why.stdout.trim()).toBe('yes');

    // Taking the binding away takes the right away.
    const deleted = await k(['delete', 'rolebinding', 'viewer-writes-configmaps', '-n', 'team']);
    expect(deleted.stdout).toContain('deleted');
    const again = await k(['create', 'configmap', 'again', '-n', 'team'], VIEWER);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'error: failed to create configmap: configmaps is forbidden: User "mesh-sim-viewer" cannot create resource "configmaps"',
    );

    // The viewer context is itself an ordinary binding: deleting it leaves the user with
    // nothing but what every authenticated user has.
    expect((await k(['delete', 'clusterrolebinding', 'mesh-sim-viewer'])).code).toBe(0);
    const pods = await k(['get', 'pods', '-n', 'bookinfo'], VIEWER);
    expect(pods.stderr).toContain(
      'pods is forbidden: User "mesh-sim-viewer" cannot list resource "pods" in API group "" in the namespace "bookinfo"',
    );
    const restored = await k([
      'create',
      'clusterrolebinding',
      'mesh-sim-viewer',
      '--clusterrole',
      'view',
      '--user',
      'mesh-sim-viewer',
    ]);
    expect(restored.stdout).toBe('clusterrolebinding.rbac.authorization.k8s.io/mesh-sim-viewer created\n');
    expect((await k(['get', 'pods', '-n', 'bookinfo', '-o', 'name'], VIEWER)).code).toBe(0);
  });
});
