/** A fresh cluster store as a new cluster has it: seed namespaces and the Istio CRDs. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { KubeObject } from '../cluster/types';
import { isRecord } from './objects';
import { KubeStore } from './store';

/** fixtures/istio at the repo root (vendored, never edited). */
export const ISTIO_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/istio');

let crdCache: KubeObject[] | undefined;

/** The Istio CRDs from fixtures/istio/crds/crd-all.gen.yaml (parsed once per process). */
export function istioCrds(): KubeObject[] {
  if (!crdCache) {
    const text = readFileSync(join(ISTIO_FIXTURES, 'crds/crd-all.gen.yaml'), 'utf8');
    crdCache = YAML.parseAllDocuments(text)
      .map((d) => d.toJSON() as unknown)
      .filter((d): d is KubeObject => isRecord(d) && d.kind === 'CustomResourceDefinition');
  }
  return crdCache;
}

const SEED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A fresh store with the seed namespaces and the Istio CRDs registered. */
export function createClusterStore(): KubeStore {
  const store = new KubeStore();
  for (const name of SEED_NAMESPACES)
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  for (const crd of istioCrds()) store.create('customresourcedefinitions.apiextensions.k8s.io', crd);
  return store;
}
