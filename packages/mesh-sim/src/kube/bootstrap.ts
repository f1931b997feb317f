/** A fresh cluster store as a new cluster has it: seed namespaces and the Istio CRDs. */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { KubeObject } from '../cluster/types';
import { isRecord } from './objects';
import { KubeStore } from './store';

/** fixtures/istio at the repo root (vendored, never edited). */
export const ISTIO_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/istio');

let crdCache: KubeObject[] | undefined;

/**
 * The Istio CRDs from fixtures/istio/crds/crd-all.gen.yaml (parsed once per process).
 * PERFORMANCE: parsing the 1 MB of YAML takes 1–2 s, paid by every simulator start (every
 * test file); the result is cached as JSON in the temp dir, keyed by the file's hash.
 */
export function istioCrds(): KubeObject[] {
  if (crdCache) return crdCache;
  const text = readFileSync(join(ISTIO_FIXTURES, 'crds/crd-all.gen.yaml'), 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cacheFile = join(tmpdir(), `mesh-sim-istio-crds-${hash}.json`);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown;
    if (Array.isArray(cached) && cached.every((d) => isRecord(d) && d.kind === 'CustomResourceDefinition')) {
      crdCache = cached as KubeObject[];
      return crdCache;
    }
  } catch {
    // no cache yet (or a broken one): parse the YAML
  }
  crdCache = YAML.parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((d): d is KubeObject => isRecord(d) && d.kind === 'CustomResourceDefinition');
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(crdCache));
    renameSync(tmp, cacheFile);
  } catch {
    // a read-only temp dir only costs the parse next time
  }
  return crdCache;
}

/** The one node every simulated pod runs on (pods get `spec.nodeName: mesh-sim-node`). */
const SIM_NODE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'mesh-sim-node',
    labels: {
      'kubernetes.io/hostname': 'mesh-sim-node',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node-role.kubernetes.io/control-plane': '',
    },
  },
  spec: { podCIDR: '10.244.0.0/16' },
  status: {
    conditions: [
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ],
    addresses: [
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'Hostname', address: 'mesh-sim-node' },
    ],
    capacity: { cpu: '8', memory: '32Gi', pods: '110000' },
    allocatable: { cpu: '8', memory: '32Gi', pods: '110000' },
    nodeInfo: {
      kubeletVersion: 'v1.32.0',
      osImage: 'mesh-sim',
      kernelVersion: 'mesh-sim',
      containerRuntimeVersion: 'mesh-sim://1.0',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  },
};

const SEED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A fresh store with the seed namespaces and the Istio CRDs registered. */
export function createClusterStore(): KubeStore {
  const store = new KubeStore();
  for (const name of SEED_NAMESPACES)
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  for (const crd of istioCrds()) store.create('customresourcedefinitions.apiextensions.k8s.io', crd);
  store.create('nodes', SIM_NODE);
  return store;
}
