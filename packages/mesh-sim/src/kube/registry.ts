/**
 * The resource table: which kinds the simulated API serves, in which versions, with which
 * names, scope, verbs, subresources, printer columns and (for custom resources) schemas.
 * Built-ins are listed here; custom kinds appear when a CustomResourceDefinition is stored.
 */
import type { KubeObject } from '../cluster/types';
import { groupResourceString } from './status';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  /** JSONPath of a CRD column (`.spec.hosts`). Built-in columns are computed in table.ts. */
  jsonPath?: string;
}

export interface SubresourceInfo {
  name: string;
  verbs: string[];
  /** Kind answered by the subresource when it differs from the parent's (Scale, PodPortForwardOptions). */
  responseKind?: { group: string; version: string; kind: string };
}

export interface ResourceInfo {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  storageVersion: string;
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** Backed by a CRD: strategic merge patch is refused (415), schemas validate writes. */
  custom: boolean;
  /** `metadata.generation` is maintained (CRs, Deployments, ReplicaSets). */
  hasGeneration: boolean;
  /** Per served version: CRD additionalPrinterColumns. */
  printerColumns: Map<string, PrinterColumn[]>;
  /** Per served version: CRD openAPIV3Schema. */
  schemas: Map<string, unknown>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS: SubresourceInfo = { name: 'status', verbs: ['get', 'patch', 'update'] };

interface BuiltinSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceInfo[];
  hasGeneration?: boolean;
}

const SCALE: SubresourceInfo = {
  name: 'scale',
  verbs: ['get', 'patch', 'update'],
  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
};

const BUILTINS: BuiltinSpec[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [STATUS, { name: 'finalize', verbs: ['update'] }],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: [STATUS],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [STATUS],
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      STATUS,
      { name: 'log', verbs: ['get'] },
      {
        name: 'portforward',
        verbs: ['create', 'get'],
        responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' },
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: [
      {
        name: 'token',
        verbs: ['create'],
        responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
    hasGeneration: true,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
    hasGeneration: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [STATUS],
    hasGeneration: true,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'tokenreviews',
    kind: 'TokenReview',
    namespaced: false,
    verbs: ['create'],
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'selfsubjectreviews',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
  },
];

/** Kubernetes version priority: GA > beta > alpha, then higher numbers first (v1, v1beta1, v1alpha3). */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class Registry {
  private readonly byGroupResource = new Map<string, ResourceInfo>();
  private readonly listeners = new Set<() => void>();

  constructor() {
    for (const b of BUILTINS) {
      this.add({
        group: b.group,
        versions: [b.version],
        storageVersion: b.version,
        resource: b.resource,
        singular: b.kind.toLowerCase(),
        kind: b.kind,
        listKind: `${b.kind}List`,
        namespaced: b.namespaced,
        shortNames: b.shortNames ?? [],
        categories: b.categories ?? [],
        verbs: b.verbs ?? ALL_VERBS,
        subresources: b.subresources ?? [],
        custom: false,
        hasGeneration: b.hasGeneration ?? false,
        printerColumns: new Map(),
        schemas: new Map(),
      });
    }
  }

  private add(info: ResourceInfo): void {
    this.byGroupResource.set(groupResourceString(info.group, info.resource), info);
    for (const l of this.listeners) l();
  }

  /** Called whenever the set of served resources changes (CRD added or removed). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Looks up by GroupResource string (`pods`, `virtualservices.networking.istio.io`). */
  get(groupResource: string): ResourceInfo | undefined {
    return this.byGroupResource.get(groupResource);
  }

  /** Looks up a resource served at group/version. */
  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    const info = this.byGroupResource.get(groupResourceString(group, resource));
    return info && info.versions.includes(version) ? info : undefined;
  }

  /** Finds the resource for an object's apiVersion + kind. */
  forKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    for (const info of this.byGroupResource.values()) {
      if (info.group === group && info.kind === kind && info.versions.includes(version)) return info;
    }
    return undefined;
  }

  all(): ResourceInfo[] {
    return [...this.byGroupResource.values()];
  }

  /** Groups in discovery order: core first, built-in groups, then custom groups alphabetically. */
  groups(): { group: string; versions: string[] }[] {
    const order: string[] = [];
    const versions = new Map<string, Set<string>>();
    const infos = this.all();
    const builtinGroups = infos.filter((i) => !i.custom).map((i) => i.group);
    const customGroups = infos
      .filter((i) => i.custom)
      .map((i) => i.group)
      .sort();
    for (const g of [...builtinGroups, ...customGroups]) if (!order.includes(g)) order.push(g);
    for (const i of infos) {
      const set = versions.get(i.group) ?? new Set<string>();
      for (const v of i.versions) set.add(v);
      versions.set(i.group, set);
    }
    return order.map((group) => ({
      group,
      versions: [...(versions.get(group) ?? [])].sort(compareKubeVersions),
    }));
  }

  /** Resources served in one group/version. */
  resourcesIn(group: string, version: string): ResourceInfo[] {
    return this.all().filter((i) => i.group === group && i.versions.includes(version));
  }

  /**
   * Registers (or re-registers) the kind a CustomResourceDefinition describes.
   * Returns its GroupResource string, or undefined when the CRD is unusable.
   */
  registerCrd(crd: KubeObject): string | undefined {
    const spec = asRecord(crd.spec);
    const names = asRecord(spec.names);
    const group = typeof spec.group === 'string' ? spec.group : '';
    const plural = typeof names.plural === 'string' ? names.plural : '';
    const kind = typeof names.kind === 'string' ? names.kind : '';
    if (!group || !plural || !kind) return undefined;
    const printerColumns = new Map<string, PrinterColumn[]>();
    const schemas = new Map<string, unknown>();
    const served: string[] = [];
    let storageVersion = '';
    for (const raw of Array.isArray(spec.versions) ? spec.versions : []) {
      const v = asRecord(raw);
      const name = typeof v.name === 'string' ? v.name : '';
      if (!name || v.served === false) continue;
      served.push(name);
      if (v.storage === true) storageVersion = name;
      const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [];
      printerColumns.set(
        name,
        cols.map((c) => {
          const col = asRecord(c);
          return {
            name: String(col.name ?? ''),
            type: String(col.type ?? 'string'),
            format: typeof col.format === 'string' ? col.format : '',
            description: typeof col.description === 'string' ? col.description : '',
            priority: typeof col.priority === 'number' ? col.priority : 0,
            jsonPath: String(col.jsonPath ?? ''),
          };
        }),
      );
      const schema = asRecord(v.schema).openAPIV3Schema;
      if (schema) schemas.set(name, schema);
    }
    if (served.length === 0) return undefined;
    served.sort(compareKubeVersions);
    const hasStatusSub = Array.isArray(spec.versions)
      ? spec.versions.some((raw) => asRecord(asRecord(raw).subresources).status !== undefined)
      : false;
    const namespaced = spec.scope !== 'Cluster';
    this.add({
      group,
      versions: served,
      storageVersion: storageVersion || (served[0] ?? ''),
      resource: plural,
      singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
      kind,
      listKind: typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
      namespaced,
      shortNames: asStrings(names.shortNames),
      categories: asStrings(names.categories),
      verbs: ALL_VERBS,
      subresources: hasStatusSub ? [STATUS] : [],
      custom: true,
      hasGeneration: true,
      printerColumns,
      schemas,
    });
    return groupResourceString(group, plural);
  }

  /** Removes a custom kind (its CRD was deleted). */
  unregister(groupResource: string): void {
    const info = this.byGroupResource.get(groupResource);
    if (!info?.custom) return;
    this.byGroupResource.delete(groupResource);
    for (const l of this.listeners) l();
  }
}
