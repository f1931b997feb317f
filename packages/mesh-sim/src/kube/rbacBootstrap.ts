/**
 * The RBAC objects a new cluster starts with: kube-apiserver's bootstrap roles (cluster-admin,
 * admin, edit, view built by aggregation, system:basic-user, system:discovery,
 * system:public-info-viewer, system:auth-delegator), Istio read/write rules aggregated into
 * them, and the bindings behind the kubeconfig's contexts. Like kube-apiserver's bootstrap
 * reconciler, missing ones are created on every start and existing ones are left alone.
 */
import type { KubeObject } from '../cluster/types';
import type { PolicyRule } from './rbac';
import type { KubeStore } from './store';

export const ADMIN_USER = 'mesh-sim-admin';
export const VIEWER_USER = 'mesh-sim-viewer';
export const BOOKINFO_EDITOR_USER = 'mesh-sim-bookinfo-editor';
/** The namespace the bookinfo editor may change Istio objects in. */
export const BOOKINFO_NAMESPACE = 'bookinfo';

const RBAC = 'rbac.authorization.k8s.io/v1';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const ISTIO_GROUPS = [
  'networking.istio.io',
  'security.istio.io',
  'telemetry.istio.io',
  'extensions.istio.io',
];

const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const aggregateTo = (...roles: string[]): Record<string, string> =>
  Object.fromEntries(roles.map((r) => [`rbac.authorization.k8s.io/aggregate-to-${r}`, 'true']));

function rule(verbs: string[], apiGroups: string[], resources: string[]): PolicyRule {
  return { verbs, apiGroups, resources };
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  labels: Record<string, string> = {},
  aggregateFrom?: string,
): KubeObject {
  const obj: KubeObject = {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { ...AUTOUPDATE } },
    rules,
  };
  if (aggregateFrom) {
    obj.aggregationRule = {
      clusterRoleSelectors: [
        { matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${aggregateFrom}`]: 'true' } },
      ],
    };
  }
  return obj;
}

type SubjectSpec =
  { kind: 'User' | 'Group'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

function subjects(list: SubjectSpec[]): Record<string, string>[] {
  return list.map((s): Record<string, string> =>
    s.kind === 'ServiceAccount'
      ? { kind: s.kind, name: s.name, namespace: s.namespace }
      : { kind: s.kind, apiGroup: 'rbac.authorization.k8s.io', name: s.name },
  );
}

function clusterRoleBinding(name: string, role: string, who: SubjectSpec[], bootstrap = true): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: bootstrap
      ? { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { ...AUTOUPDATE } }
      : { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: subjects(who),
  };
}

export function bootstrapClusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), { verbs: ['*'], nonResourceURLs: ['*'] }]),
    clusterRole('admin', [], {}, 'admin'),
    clusterRole('edit', [], aggregateTo('admin'), 'edit'),
    clusterRole('view', [], aggregateTo('edit'), 'view'),
    clusterRole(
      'system:aggregate-to-admin',
      [
        rule([...READ, ...WRITE], ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
        rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      ],
      aggregateTo('admin'),
    ),
    clusterRole(
      'system:aggregate-to-edit',
      [
        rule(
          READ,
          [''],
          ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
        ),
        rule(['impersonate'], [''], ['serviceaccounts']),
        rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
        rule(['create'], [''], ['pods/eviction']),
        rule(
          WRITE,
          [''],
          [
            'configmaps',
            'events',
            'persistentvolumeclaims',
            'replicationcontrollers',
            'replicationcontrollers/scale',
            'secrets',
            'serviceaccounts',
            'services',
            'services/proxy',
          ],
        ),
        rule(['create'], [''], ['serviceaccounts/token']),
        rule(
          WRITE,
          ['apps'],
          [
            'daemonsets',
            'deployments',
            'deployments/rollback',
            'deployments/scale',
            'replicasets',
            'replicasets/scale',
            'statefulsets',
            'statefulsets/scale',
          ],
        ),
        rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
        rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
        rule(WRITE, ['policy'], ['poddisruptionbudgets']),
        rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      ],
      aggregateTo('admin', 'edit'),
    ),
    clusterRole(
      'system:aggregate-to-view',
      [
        // No secrets here, as in the real view role: reading them would let a viewer act as
        // any ServiceAccount whose token they hold.
        rule(
          READ,
          [''],
          [
            'configmaps',
            'endpoints',
            'persistentvolumeclaims',
            'persistentvolumeclaims/status',
            'pods',
            'replicationcontrollers',
            'replicationcontrollers/scale',
            'serviceaccounts',
            'services',
            'services/status',
          ],
        ),
        rule(
          READ,
          [''],
          [
            'bindings',
            'events',
            'limitranges',
            'namespaces/status',
            'pods/log',
            'pods/status',
            'replicationcontrollers/status',
            'resourcequotas',
            'resourcequotas/status',
          ],
        ),
        rule(READ, [''], ['namespaces']),
        rule(READ, ['discovery.k8s.io'], ['endpointslices']),
        rule(
          READ,
          ['apps'],
          [
            'controllerrevisions',
            'daemonsets',
            'daemonsets/status',
            'deployments',
            'deployments/scale',
            'deployments/status',
            'replicasets',
            'replicasets/scale',
            'replicasets/status',
            'statefulsets',
            'statefulsets/scale',
            'statefulsets/status',
          ],
        ),
        rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
        rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
        rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
        rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
      ],
      aggregateTo('admin', 'edit', 'view'),
    ),
    // Istio's kinds in the aggregated roles, so `view` reads them and `edit` writes them.
    clusterRole(
      'mesh-sim-istio-view',
      [rule(READ, ISTIO_GROUPS, ['*'])],
      aggregateTo('admin', 'edit', 'view'),
    ),
    clusterRole('mesh-sim-istio-edit', [rule(WRITE, ISTIO_GROUPS, ['*'])], aggregateTo('admin', 'edit')),
    // What the bookinfo editor is granted in bookinfo (through a RoleBinding).
    clusterRole('mesh-sim-istio-editor', [
      rule([...READ, ...WRITE], ['networking.istio.io', 'security.istio.io'], ['*']),
    ]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:discovery', [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
    ]),
    clusterRole('system:auth-delegator', [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
  ];
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [
      { kind: 'Group', name: 'system:authenticated' },
    ]),
    clusterRoleBinding('system:discovery', 'system:discovery', [
      { kind: 'Group', name: 'system:authenticated' },
    ]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
      { kind: 'Group', name: 'system:authenticated' },
      { kind: 'Group', name: 'system:unauthenticated' },
    ]),
    clusterRoleBinding('mesh-sim-viewer', 'view', [{ kind: 'User', name: VIEWER_USER }], false),
    clusterRoleBinding(
      'mesh-sim-bookinfo-editor-view',
      'view',
      [{ kind: 'User', name: BOOKINFO_EDITOR_USER }],
      false,
    ),
  ];
}

function bookinfoEditorBinding(): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'mesh-sim-bookinfo-editor', namespace: BOOKINFO_NAMESPACE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mesh-sim-istio-editor' },
    subjects: subjects([{ kind: 'User', name: BOOKINFO_EDITOR_USER }]),
  };
}

/**
 * Creates the RBAC objects that are missing. On a restored world only kube-apiserver's own
 * bootstrap objects come back (as its reconciler does); mesh-sim's bindings stay as left.
 */
export function ensureRbacBootstrap(store: KubeStore, opts: { restored?: boolean } = {}): void {
  const wanted = (o: KubeObject): boolean =>
    !opts.restored || o.metadata.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults';
  for (const role of bootstrapClusterRoles().filter(wanted)) {
    if (!store.peek('clusterroles.rbac.authorization.k8s.io', undefined, role.metadata.name))
      store.create('clusterroles.rbac.authorization.k8s.io', role);
  }
  for (const binding of bootstrapClusterRoleBindings().filter(wanted)) {
    if (!store.peek('clusterrolebindings.rbac.authorization.k8s.io', undefined, binding.metadata.name))
      store.create('clusterrolebindings.rbac.authorization.k8s.io', binding);
  }
  const editor = bookinfoEditorBinding();
  if (
    !opts.restored &&
    store.peek('namespaces', undefined, BOOKINFO_NAMESPACE) &&
    !store.peek('rolebindings.rbac.authorization.k8s.io', BOOKINFO_NAMESPACE, editor.metadata.name)
  ) {
    store.create('rolebindings.rbac.authorization.k8s.io', editor);
  }
}
