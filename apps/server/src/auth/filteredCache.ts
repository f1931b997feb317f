import { meshConfigFromLists } from '../mesh/config';
import type { ChangeEvent } from '../kube/cache';
import type { ResourceKey } from '../kube/resources';
import type { K8sObject, MeshConfig } from '../mesh/types';
import type { ConfigCache } from '../routes/deps';
import type { Access } from './access';

// PERFORMANCE: people with the same permissions share one filtered configuration, rebuilt only
// when the informers' snapshot changes (the WeakMap drops it with the snapshot).
const filteredConfigs = new WeakMap<MeshConfig, Map<string, MeshConfig>>();
const MAX_VIEWS_PER_SNAPSHOT = 200;

/**
 * The informer cache as one identity may see it: objects of kinds it may not list in a namespace
 * are absent, namespaces where it may list nothing are absent, and so are their change events.
 */
export class FilteredCache implements ConfigCache {
  constructor(
    private readonly base: ConfigCache,
    readonly access: Access,
  ) {}

  private visible(resource: ResourceKey, o: K8sObject): boolean {
    if (resource === 'namespaces') return this.access.canSeeNamespace(o.metadata.name);
    const ns = o.metadata.namespace;
    return ns !== undefined && this.access.canRead(resource, ns);
  }

  list(resource: ResourceKey, namespace?: string): K8sObject[] {
    const all = this.base.list(resource, namespace);
    return this.access.all ? all : all.filter((o) => this.visible(resource, o));
  }

  get(resource: ResourceKey, namespace: string | undefined, name: string): K8sObject | undefined {
    const o = this.base.get(resource, namespace, name);
    return o && (this.access.all || this.visible(resource, o)) ? o : undefined;
  }

  meshConfig(): MeshConfig {
    const full = this.base.meshConfig();
    if (this.access.all) return full;
    let views = filteredConfigs.get(full);
    if (!views) {
      views = new Map();
      filteredConfigs.set(full, views);
    }
    let view = views.get(this.access.key);
    if (!view) {
      view = meshConfigFromLists((r) => this.list(r));
      if (views.size >= MAX_VIEWS_PER_SNAPSHOT) views.clear();
      views.set(this.access.key, view);
    }
    return view;
  }

  /** Whether an event concerns something this identity may see. */
  shows(e: ChangeEvent): boolean {
    if (this.access.all) return true;
    if (e.resource === 'namespaces') return this.access.canSeeNamespace(e.name);
    return e.namespace !== undefined && this.access.canRead(e.resource, e.namespace);
  }

  onChange(listener: (e: ChangeEvent) => void): () => void {
    return this.base.onChange((e) => {
      if (this.shows(e)) listener(e);
    });
  }

  status() {
    return this.base.status();
  }

  isSynced(): boolean {
    return this.base.isSynced();
  }
}
