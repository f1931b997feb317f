import { AppsV1Api, CoreV1Api, CustomObjectsApi, makeInformer } from '@kubernetes/client-node';
import type {
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ObjectCache,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { meshConfigFromLists } from '../mesh/config';
import type { K8sObject, MeshConfig } from '../mesh/types';
import { listPath, RESOURCES } from './resources';
import type { ResourceDef, ResourceKey } from './resources';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change seen by an informer, as `/api/events` sends it. */
export interface ChangeEvent {
  type: ChangeType;
  resource: ResourceKey;
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion?: string;
}

export interface InformerStatus {
  resource: ResourceKey;
  /** True while the informer's list and watch are current; false before the first list and while failing. */
  synced: boolean;
  /** Epoch ms of the last successful (re)list or watch start. */
  lastSyncAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  /** Epoch ms when the current run of failures began; absent while healthy. */
  failingSince?: number;
}

/** Reconnect backoff: doubles from 500 ms, capped at 4 s, each wait jittered to 50–100 % of it. */
const BACKOFF_START_MS = 500;
const BACKOFF_CAP_MS = 4_000;
/** Jittered so that fourteen informers do not knock on a recovering API server at the same instant. */
const jittered = (ms: number): number => Math.round(ms * (0.5 + Math.random() * 0.5));

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Narrows what the client hands us to the object shape `mesh/` reads. */
function toK8s(o: KubernetesObject | undefined): K8sObject | undefined {
  if (!o || !isRecord(o.metadata) || typeof o.metadata.name !== 'string') return undefined;
  return o as unknown as K8sObject;
}

/** The typed clients deserialize into classes (dates as Date); the cache keeps plain JSON like the watch does. */
const plainList = async (p: Promise<unknown>): Promise<KubernetesListObject<KubernetesObject>> => {
  const list: unknown = JSON.parse(JSON.stringify(await p));
  if (!isRecord(list) || !Array.isArray(list.items)) throw new Error('the API answered a list without items');
  return list as unknown as KubernetesListObject<KubernetesObject>;
};

interface Entry {
  def: ResourceDef;
  informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  synced: boolean;
  lastSyncAt?: number;
  lastError?: string;
  lastErrorAt?: number;
  failingSince?: number;
  /** Failures so far; a start succeeded when no failure was counted during it. */
  failures: number;
  backoffMs: number;
  timer?: NodeJS.Timeout;
}

/**
 * One informer per watched kind. Every read of the server comes from here, never from a list
 * call per request. An informer that fails restarts itself with a short, capped, jittered backoff
 * (so the cache is current again within seconds of the API server's return); a 410 Gone makes
 * the client's ListWatch relist at once. `synced` is false while an informer is failing.
 */
export class KubeCache {
  private readonly entries = new Map<ResourceKey, Entry>();
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private stopped = false;
  private generation = 0;
  private snapshot?: { generation: number; config: MeshConfig };
  /** Resolves once every informer has listed once (or failed once: the server then serves what it has). */
  readonly ready: Promise<void>;

  constructor(
    kc: KubeConfig,
    private readonly logger: Logger,
  ) {
    const coreApi = kc.makeApiClient(CoreV1Api);
    const appsApi = kc.makeApiClient(AppsV1Api);
    const customApi = kc.makeApiClient(CustomObjectsApi);
    const listFns: Record<ResourceKey, () => Promise<KubernetesListObject<KubernetesObject>>> = {
      namespaces: () => plainList(coreApi.listNamespace()),
      services: () => plainList(coreApi.listServiceForAllNamespaces()),
      endpoints: () => plainList(coreApi.listEndpointsForAllNamespaces()),
      pods: () => plainList(coreApi.listPodForAllNamespaces()),
      deployments: () => plainList(appsApi.listDeploymentForAllNamespaces()),
      replicasets: () => plainList(appsApi.listReplicaSetForAllNamespaces()),
      virtualservices: () => this.listCustom(customApi, 'virtualservices'),
      destinationrules: () => this.listCustom(customApi, 'destinationrules'),
      gateways: () => this.listCustom(customApi, 'gateways'),
      serviceentries: () => this.listCustom(customApi, 'serviceentries'),
      sidecars: () => this.listCustom(customApi, 'sidecars'),
      peerauthentications: () => this.listCustom(customApi, 'peerauthentications'),
      authorizationpolicies: () => this.listCustom(customApi, 'authorizationpolicies'),
      requestauthentications: () => this.listCustom(customApi, 'requestauthentications'),
    };
    const firstRounds: Promise<void>[] = [];
    for (const def of RESOURCES) {
      const listFn = listFns[def.plural];
      if (!listFn) continue;
      const informer = makeInformer<KubernetesObject>(kc, listPath(def), listFn);
      const entry: Entry = { def, informer, synced: false, failures: 0, backoffMs: BACKOFF_START_MS };
      this.entries.set(def.plural, entry);
      const emit = (type: ChangeType) => (o: KubernetesObject) => this.changed(def, type, o);
      informer.on('add', emit('ADDED'));
      informer.on('update', emit('MODIFIED'));
      informer.on('delete', emit('DELETED'));
      informer.on('error', (err: unknown) => this.failed(entry, err));
      firstRounds.push(this.startInformer(entry));
    }
    this.ready = Promise.all(firstRounds).then(() => undefined);
  }

  private async listCustom(
    api: CustomObjectsApi,
    plural: ResourceKey,
  ): Promise<KubernetesListObject<KubernetesObject>> {
    const def = this.entries.get(plural)?.def ?? RESOURCES.find((r) => r.plural === plural);
    if (!def) throw new Error(`unknown resource ${plural}`);
    return plainList(
      api.listClusterCustomObject({ group: def.group, version: def.version, plural: def.plural }),
    );
  }

  private async startInformer(entry: Entry): Promise<void> {
    if (this.stopped) return;
    const failuresBefore = entry.failures;
    try {
      await entry.informer.start();
    } catch (err) {
      this.failed(entry, err);
      return;
    }
    if (entry.failures === failuresBefore) {
      if (!entry.synced) this.bump();
      entry.synced = true;
      entry.lastSyncAt = Date.now();
      entry.backoffMs = BACKOFF_START_MS;
      if (entry.failingSince !== undefined) {
        this.logger.info(
          {
            resource: entry.def.plural,
            failedForMs: Date.now() - entry.failingSince,
            lastError: entry.lastError,
          },
          'informer recovered',
        );
      }
      entry.failingSince = undefined;
    }
  }

  private failed(entry: Entry, err: unknown): void {
    const message = describeError(err);
    const now = Date.now();
    entry.failures += 1;
    entry.lastError = message;
    entry.lastErrorAt = now;
    entry.failingSince ??= now;
    // The watch is down: what the cache holds may already be out of date.
    entry.synced = false;
    if (this.stopped || entry.timer) return;
    const retryInMs = jittered(entry.backoffMs);
    this.logger.warn({ resource: entry.def.plural, err: message, retryInMs }, 'informer failed; restarting');
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.startInformer(entry);
    }, retryInMs);
    entry.timer.unref();
    entry.backoffMs = Math.min(entry.backoffMs * 2, BACKOFF_CAP_MS);
  }

  private bump(): void {
    this.generation += 1;
  }

  private changed(def: ResourceDef, type: ChangeType, o: KubernetesObject): void {
    this.bump();
    const obj = toK8s(o);
    if (!obj) return;
    const event: ChangeEvent = {
      type,
      resource: def.plural,
      kind: def.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      resourceVersion: obj.metadata.resourceVersion,
    };
    for (const l of this.listeners) l(event);
  }

  /** Subscribe to every change; returns the unsubscribe. */
  onChange(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(resource: ResourceKey, namespace?: string): K8sObject[] {
    const entry = this.entries.get(resource);
    if (!entry) return [];
    const out: K8sObject[] = [];
    for (const o of entry.informer.list(namespace)) {
      const k = toK8s(o);
      if (k) out.push(k);
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
  }

  get(resource: ResourceKey, namespace: string | undefined, name: string): K8sObject | undefined {
    return toK8s(this.entries.get(resource)?.informer.get(name, namespace));
  }

  /** The graph's configuration view; rebuilt only after a change (PERFORMANCE: graph requests share it). */
  meshConfig(): MeshConfig {
    if (this.snapshot?.generation === this.generation) return this.snapshot.config;
    const config = meshConfigFromLists((r) => this.list(r));
    this.snapshot = { generation: this.generation, config };
    return config;
  }

  status(): InformerStatus[] {
    return [...this.entries.values()].map((e) => ({
      resource: e.def.plural,
      synced: e.synced,
      lastSyncAt: e.lastSyncAt,
      lastError: e.lastError,
      lastErrorAt: e.lastErrorAt,
      failingSince: e.failingSince,
    }));
  }

  isSynced(): boolean {
    return [...this.entries.values()].every((e) => e.synced);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        if (e.timer) clearTimeout(e.timer);
        await e.informer.stop();
      }),
    );
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = isRecord(err) && 'code' in err ? ` (${String(err.code)})` : '';
    return `${err.message}${code}`;
  }
  return String(err);
}
