import { AuthorizationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sObject } from '../mesh/types';
import { fromKubeError } from './errors';
import type { ResourceDef } from './resources';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function asObject(v: unknown, what: string): K8sObject {
  if (!isRecord(v) || !isRecord(v.metadata))
    throw fromKubeError(new Error(`the API server answered ${what} without an object`), what);
  return v as K8sObject;
}

export interface WriteOptions {
  dryRun?: boolean;
}

/** Writes of Istio objects straight to the API server, with the object's resourceVersion. */
export class IstioWriter {
  private readonly api: CustomObjectsApi;
  private readonly authz: AuthorizationV1Api;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
    this.authz = kc.makeApiClient(AuthorizationV1Api);
  }

  async get(def: ResourceDef, namespace: string, name: string): Promise<K8sObject> {
    const what = `read ${def.kind} ${namespace}/${name}`;
    try {
      return asObject(
        await this.api.getNamespacedCustomObject({
          group: def.group,
          version: def.version,
          namespace,
          plural: def.plural,
          name,
        }),
        what,
      );
    } catch (err) {
      throw fromKubeError(err, what);
    }
  }

  async create(
    def: ResourceDef,
    namespace: string,
    body: K8sObject,
    options: WriteOptions = {},
  ): Promise<K8sObject> {
    const what = `create ${def.kind} ${namespace}/${body.metadata.name}`;
    try {
      const created: unknown = await this.api.createNamespacedCustomObject({
        group: def.group,
        version: def.version,
        namespace,
        plural: def.plural,
        body,
        dryRun: options.dryRun ? 'All' : undefined,
      });
      return asObject(created, what);
    } catch (err) {
      throw fromKubeError(err, what);
    }
  }

  /** Replaces the object; the API server answers 409 when `metadata.resourceVersion` is stale. */
  async replace(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: K8sObject,
    options: WriteOptions = {},
  ): Promise<K8sObject> {
    const what = `update ${def.kind} ${namespace}/${name}`;
    try {
      const replaced: unknown = await this.api.replaceNamespacedCustomObject({
        group: def.group,
        version: def.version,
        namespace,
        plural: def.plural,
        name,
        body,
        dryRun: options.dryRun ? 'All' : undefined,
      });
      return asObject(replaced, what);
    } catch (err) {
      throw fromKubeError(err, what);
    }
  }

  async delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    options: WriteOptions & { resourceVersion?: string } = {},
  ): Promise<void> {
    const what = `delete ${def.kind} ${namespace}/${name}`;
    try {
      await this.api.deleteNamespacedCustomObject({
        group: def.group,
        version: def.version,
        namespace,
        plural: def.plural,
        name,
        dryRun: options.dryRun ? 'All' : undefined,
        body: options.resourceVersion
          ? { preconditions: { resourceVersion: options.resourceVersion } }
          : undefined,
      });
    } catch (err) {
      throw fromKubeError(err, what);
    }
  }

  /** Asks the API server (SelfSubjectAccessReview) whether this identity may `verb` the resource. */
  async canI(
    verb: string,
    def: ResourceDef,
    namespace: string,
  ): Promise<{ allowed: boolean; reason?: string }> {
    const what = `check permission to ${verb} ${def.plural} in ${namespace}`;
    try {
      const review = await this.authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, verb, group: def.group, resource: def.plural } },
        },
      });
      return { allowed: review.status?.allowed === true, reason: review.status?.reason || undefined };
    } catch (err) {
      throw fromKubeError(err, what);
    }
  }
}
