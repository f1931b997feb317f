import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { authorize, rulesFor } from './rbac';
import type { RbacSource, RequestAttributes, UserInfo } from './rbac';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbacBootstrap';

const RBAC = 'rbac.authorization.k8s.io/v1';

function source(extra: KubeObject[] = []): RbacSource {
  const all = [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings(), ...extra];
  const of = (kind: string, ns?: string): KubeObject[] =>
    all.filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns));
  return {
    clusterRoles: () => of('ClusterRole'),
    clusterRoleBindings: () => of('ClusterRoleBinding'),
    roles: (ns) => of('Role', ns),
    roleBindings: (ns) => of('RoleBinding', ns),
  };
}

const user = (name: string, groups: string[] = ['system:authenticated']): UserInfo => ({ name, groups });
const res = (
  verb: string,
  group: string,
  resource: string,
  more: { subresource?: string; namespace?: string; name?: string } = {},
): RequestAttributes => ({ resourceRequest: true, verb, group, resource, ...more });

const roleBinding = (
  name: string,
  namespace: string,
  roleKind: 'Role' | 'ClusterRole',
  role: string,
  subjects: Record<string, string>[],
): KubeObject => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
  subjects,
});

describe('RBAC evaluator', () => {
  it('lets system:masters do anything before RBAC (no reason), even without the cluster-admin binding', () => {
    const del = res('delete', 'networking.istio.io', 'virtualservices', { namespace: 'x', name: 'y' });
    const root = user('root', ['system:masters', 'system:authenticated']);
    expect(authorize(source(), root, del)).toEqual({ allowed: true, reason: '' });
    const empty: RbacSource = {
      clusterRoles: () => [],
      clusterRoleBindings: () => [],
      roles: () => [],
      roleBindings: () => [],
    };
    expect(authorize(empty, root, del).allowed).toBe(true);
  });

  it('names the binding, role and subject that allowed a request', () => {
    const src = source([
      {
        apiVersion: RBAC,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'ops-admins' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'Group', name: 'ops' }],
      },
    ]);
    const d = authorize(
      src,
      user('olga', ['ops', 'system:authenticated']),
      res('delete', 'networking.istio.io', 'virtualservices', { namespace: 'x', name: 'y' }),
    );
    expect(d).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "ops-admins" of ClusterRole "cluster-admin" to Group "ops"',
    });
  });

  it('view (aggregated) reads pods, logs and Istio objects but not secrets, and never writes', () => {
    const src = source();
    const viewer = user('mesh-sim-viewer');
    const ok = (a: RequestAttributes): boolean => authorize(src, viewer, a).allowed;
    expect(ok(res('list', '', 'pods', { namespace: 'bookinfo' }))).toBe(true);
    expect(ok(res('get', '', 'pods', { namespace: 'bookinfo', name: 'p', subresource: 'log' }))).toBe(true);
    expect(ok(res('watch', 'networking.istio.io', 'virtualservices'))).toBe(true);
    expect(ok(res('get', 'security.istio.io', 'authorizationpolicies', { namespace: 'a', name: 'b' }))).toBe(
      true,
    );
    expect(ok(res('get', '', 'secrets', { namespace: 'bookinfo', name: 's' }))).toBe(false);
    expect(ok(res('list', '', 'secrets'))).toBe(false);
    expect(ok(res('patch', 'networking.istio.io', 'virtualservices', { namespace: 'a', name: 'b' }))).toBe(
      false,
    );
    expect(ok(res('create', '', 'pods', { namespace: 'a', subresource: 'portforward', name: 'p' }))).toBe(
      false,
    );
    expect(ok(res('list', '', 'nodes'))).toBe(false);
    expect(authorize(src, viewer, res('list', '', 'pods')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "mesh-sim-viewer" of ClusterRole "view" to User "mesh-sim-viewer"',
    );
  });

  it('edit includes view (chained aggregation) plus writes, secrets and port-forward', () => {
    const src = source([
      {
        apiVersion: RBAC,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'eds' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'User', name: 'ed' }],
      },
    ]);
    const ok = (a: RequestAttributes): boolean => authorize(src, user('ed'), a).allowed;
    expect(ok(res('list', 'apps', 'deployments', { namespace: 'a' }))).toBe(true);
    expect(ok(res('get', '', 'secrets', { namespace: 'a', name: 's' }))).toBe(true);
    expect(ok(res('create', '', 'pods', { namespace: 'a', name: 'p', subresource: 'portforward' }))).toBe(
      true,
    );
    expect(ok(res('update', 'networking.istio.io', 'virtualservices', { namespace: 'a', name: 'v' }))).toBe(
      true,
    );
    expect(ok(res('create', 'rbac.authorization.k8s.io', 'rolebindings', { namespace: 'a' }))).toBe(false);
  });

  it('a RoleBinding grants only in its namespace and names itself as name/namespace', () => {
    const src = source([
      roleBinding('mesh-sim-bookinfo-editor', 'bookinfo', 'ClusterRole', 'mesh-sim-istio-editor', [
        { kind: 'User', name: 'mesh-sim-bookinfo-editor' },
      ]),
    ]);
    const editor = user('mesh-sim-bookinfo-editor');
    const update = (ns: string): RequestAttributes =>
      res('update', 'networking.istio.io', 'virtualservices', { namespace: ns, name: 'reviews' });
    expect(authorize(src, editor, update('bookinfo'))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "mesh-sim-bookinfo-editor/bookinfo" of ClusterRole "mesh-sim-istio-editor" to User "mesh-sim-bookinfo-editor"',
    });
    expect(authorize(src, editor, update('reviews')).allowed).toBe(false);
    // Cluster-wide writes are not namespaced requests: the RoleBinding does not apply.
    expect(authorize(src, editor, res('create', 'networking.istio.io', 'virtualservices')).allowed).toBe(
      false,
    );
    // Reading elsewhere comes from the view binding.
    expect(
      authorize(
        src,
        editor,
        res('get', 'networking.istio.io', 'virtualservices', { namespace: 'reviews', name: 'x' }),
      ).allowed,
    ).toBe(true);
    expect(
      authorize(src, editor, res('delete', 'apps', 'deployments', { namespace: 'bookinfo', name: 'x' }))
        .allowed,
    ).toBe(false);
  });

  it('matches subresources, */subresource, resourceNames and ServiceAccount subjects like kube-apiserver', () => {
    const role: KubeObject = {
      apiVersion: RBAC,
      kind: 'Role',
      metadata: { name: 'r', namespace: 'ns' },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['create'], apiGroups: [''], resources: ['pods/portforward'] },
        { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] },
        { verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['one'] },
      ],
    };
    const src = source([
      role,
      roleBinding('sa', 'ns', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'robot' }]),
      roleBinding('grp', 'ns', 'Role', 'r', [{ kind: 'Group', name: 'system:serviceaccounts:other' }]),
    ]);
    const robot = user('system:serviceaccount:ns:robot', [
      'system:serviceaccounts',
      'system:serviceaccounts:ns',
      'system:authenticated',
    ]);
    const ok = (u: UserInfo, a: RequestAttributes): boolean => authorize(src, u, a).allowed;
    expect(ok(robot, res('get', '', 'pods', { namespace: 'ns', name: 'p' }))).toBe(true);
    expect(ok(robot, res('get', '', 'pods', { namespace: 'ns', name: 'p', subresource: 'log' }))).toBe(false);
    expect(
      ok(robot, res('create', '', 'pods', { namespace: 'ns', name: 'p', subresource: 'portforward' })),
    ).toBe(true);
    expect(
      ok(robot, res('update', 'apps', 'deployments', { namespace: 'ns', name: 'd', subresource: 'scale' })),
    ).toBe(true);
    expect(ok(robot, res('update', 'apps', 'deployments', { namespace: 'ns', name: 'd' }))).toBe(false);
    expect(ok(robot, res('get', '', 'configmaps', { namespace: 'ns', name: 'one' }))).toBe(true);
    expect(ok(robot, res('get', '', 'configmaps', { namespace: 'ns', name: 'two' }))).toBe(false);
    expect(ok(robot, res('list', '', 'configmaps', { namespace: 'ns' }))).toBe(false);
    expect(authorize(src, robot, res('get', '', 'pods', { namespace: 'ns', name: 'p' })).reason).toBe(
      'RBAC: allowed by RoleBinding "sa/ns" of Role "r" to ServiceAccount "robot/ns"',
    );
    // The same name in another namespace is another ServiceAccount.
    const other = user('system:serviceaccount:elsewhere:robot', [
      'system:serviceaccounts',
      'system:serviceaccounts:elsewhere',
    ]);
    expect(ok(other, res('get', '', 'pods', { namespace: 'ns', name: 'p' }))).toBe(false);
    const byGroup = user('system:serviceaccount:other:x', [
      'system:serviceaccounts',
      'system:serviceaccounts:other',
    ]);
    expect(ok(byGroup, res('get', '', 'pods', { namespace: 'ns', name: 'p' }))).toBe(true);
  });

  it('grants discovery URLs to every authenticated user and health to the unauthenticated', () => {
    const src = source();
    const path = (p: string, u: UserInfo, verb = 'get'): boolean =>
      authorize(src, u, { resourceRequest: false, verb, path: p }).allowed;
    const someone = user('someone');
    expect(path('/apis', someone)).toBe(true);
    expect(path('/apis/networking.istio.io/v1', someone)).toBe(true);
    expect(path('/openapi/v3/apis/apps/v1', someone)).toBe(true);
    expect(path('/metrics', someone)).toBe(false);
    expect(path('/apis', someone, 'post')).toBe(false);
    const anonymous = user('system:anonymous', ['system:unauthenticated']);
    expect(path('/healthz', anonymous)).toBe(true);
    expect(path('/apis', anonymous)).toBe(false);
    expect(
      authorize(src, someone, res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews')).reason,
    ).toBe(
      'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    );
  });

  it('lists the rules that apply in a namespace for SelfSubjectRulesReview', () => {
    const src = source([
      roleBinding('mesh-sim-bookinfo-editor', 'bookinfo', 'ClusterRole', 'mesh-sim-istio-editor', [
        { kind: 'User', name: 'ed' },
      ]),
    ]);
    const inBookinfo = rulesFor(src, user('ed'), 'bookinfo');
    const elsewhere = rulesFor(src, user('ed'), 'reviews');
    const writesIstio = (rules: typeof inBookinfo.resourceRules): boolean =>
      rules.some((r) => r.apiGroups.includes('networking.istio.io') && r.verbs.includes('patch'));
    expect(writesIstio(inBookinfo.resourceRules)).toBe(true);
    expect(writesIstio(elsewhere.resourceRules)).toBe(false);
    expect(inBookinfo.nonResourceRules.some((r) => r.nonResourceURLs.includes('/apis/*'))).toBe(true);
    expect(inBookinfo.resourceRules).toContainEqual({
      verbs: ['create'],
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    });
  });
});
