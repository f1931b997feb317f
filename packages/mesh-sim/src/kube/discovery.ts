/**
 * Discovery documents (aggregated v2 and legacy) and the OpenAPI v3 stubs kubectl's
 * `--validate=strict` needs (a PATCH operation with `x-kubernetes-group-version-kind` and a
 * `fieldValidation` parameter per resource).
 */
import { createHash } from 'node:crypto';
import type { Registry, ResourceInfo } from './registry';

export const AGGREGATED_DISCOVERY_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function gvString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function aggregatedResource(info: ResourceInfo, version: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: info.resource,
    responseKind: { group: info.group, version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: info.verbs,
  };
  if (info.shortNames.length) r.shortNames = info.shortNames;
  if (info.categories.length) r.categories = info.categories;
  if (info.subresources.length) {
    r.subresources = info.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.responseKind ?? { group: info.group, version, kind: info.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}

/** Body of `/api` (core) or `/apis` (named groups) in the aggregated v2 form. */
export function aggregatedDiscovery(registry: Registry, core: boolean): unknown {
  const items = registry
    .groups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.resourcesIn(g.group, v).map((info) => aggregatedResource(info, v)),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function legacyApiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: { group: string; versions: string[] }): Record<string, unknown> {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function legacyGroupList(registry: Registry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.group !== '')
      .map(apiGroup),
  };
}

export function legacyGroup(registry: Registry, group: string): unknown {
  const g = registry.groups().find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

export function legacyResourceList(registry: Registry, group: string, version: string): unknown {
  const infos = registry.resourcesIn(group, version);
  if (infos.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const info of infos) {
    const r: Record<string, unknown> = {
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
    };
    if (info.shortNames.length) r.shortNames = info.shortNames;
    if (info.categories.length) r.categories = info.categories;
    resources.push(r);
    for (const s of info.subresources) {
      const sub: Record<string, unknown> = {
        name: `${info.resource}/${s.name}`,
        singularName: '',
        namespaced: info.namespaced,
        kind: s.responseKind?.kind ?? info.kind,
        verbs: s.verbs,
      };
      if (s.responseKind && s.responseKind.group !== info.group) {
        sub.group = s.responseKind.group;
        sub.version = s.responseKind.version;
      }
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources };
}

function openApiKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function openApiHash(registry: Registry, group: string, version: string): string {
  const names = registry
    .resourcesIn(group, version)
    .map((i) => `${i.resource}:${i.kind}`)
    .join(',');
  return createHash('sha256').update(`${group}/${version}:${names}`).digest('hex').slice(0, 32).toUpperCase();
}

export function openApiRoot(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const key = openApiKey(g.group, v);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${openApiHash(registry, g.group, v)}` };
    }
  }
  return { paths };
}

function operationId(verb: string, info: ResourceInfo, version: string): string {
  const groupPart = (info.group || 'core')
    .split('.')
    .map((p) => (p ? p[0]?.toUpperCase() + p.slice(1) : ''))
    .join('');
  const v = version[0]?.toUpperCase() + version.slice(1);
  return `${verb}${groupPart}${v}${info.namespaced ? 'Namespaced' : ''}${info.kind}`;
}

export function openApiGroupVersion(registry: Registry, group: string, version: string): unknown {
  const infos = registry.resourcesIn(group, version);
  if (infos.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const params = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
    name,
    in: 'query',
    schema: { type: name === 'force' ? 'boolean' : 'string' },
    uniqueItems: true,
  }));
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  for (const info of infos) {
    if (!info.verbs.includes('patch')) continue;
    const path = `${prefix}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}/{name}`;
    paths[path] = {
      patch: {
        operationId: operationId('patch', info, version),
        parameters: params,
        responses: {},
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: info.kind },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
