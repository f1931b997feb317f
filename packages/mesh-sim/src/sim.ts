/**
 * The composition root of the simulated cluster: store + CRDs + controllers + scenario, the
 * HTTPS Kubernetes API, the traffic engine and its /metrics endpoint, and the kubeconfig.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterStore, KubeObject } from './cluster/types';
import { startControllers } from './controllers';
import { completeTokens, generateTokens } from './kube/auth';
import { ensureRbacBootstrap } from './kube/rbacBootstrap';
import { StateDir, persistStore } from './kube/stateDir';
import type { OidcOptions } from './kube/oidc';
import { API_AUDIENCES, ServiceAccountTokens, signingKeySchema } from './kube/serviceAccountTokens';
import type { Tokens } from './kube/auth';
import { createClusterStore } from './kube/bootstrap';
import type { PodTargetResolver } from './kube/server';
import { startApiServer } from './kube/server';
import { KubeStore } from './kube/store';
import { loadScenario } from './scenarios';
import { generateCertificates } from './tls/certificates';
import type { Certificates } from './tls/certificates';
import { renderKubeconfig } from './tls/kubeconfig';
import { Readable } from 'node:stream';
import { startTraffic } from './traffic';
import { z } from 'zod';
import type { TrafficEngine } from './traffic';

export interface MeshSimOptions {
  scenario: 'bookinfo' | 'scale';
  namespaces?: number;
  services?: number;
  /** 0 or absent: any free port. */
  apiPort?: number;
  metricsPort?: number;
  /** Where to write the kubeconfig; a temp file (removed on stop) when absent. */
  kubeconfigOut?: string;
  /** `<namespace>/<deployment>:<port>=<host>:<port>`: that deployment's pods stand for a local server. */
  podEndpoints?: string[];
  /** Start the traffic engine (default true). */
  traffic?: boolean;
  seed?: number;
  /**
   * Name callers without a sidecar in destination-side series, as Istio's opt-in
   * PEER_METADATA_DISCOVERY does (default false: they are `unknown`, as on a default install).
   */
  peerMetadataDiscovery?: boolean;
  /** `/version` minor (default "32": the gcloud kubectl dispatcher picks its binary from it). */
  minorVersion?: string;
  /** Interval of watch bookmarks when clients ask for them (default 30 s). */
  bookmarkIntervalMs?: number;
  /**
   * Keep the world here across restarts (objects, the resourceVersion counter, CA and serving
   * certificate, tokens): starting again on the same dir and port is an API-server restart.
   * Absent: everything lives in memory and is gone on stop.
   */
  stateDir?: string;
  /** Accept OIDC ID tokens as bearer tokens, like kube-apiserver's `--oidc-*` flags. */
  oidc?: OidcOptions;
  log?: (line: string) => void;
}

export interface MeshSim {
  /** `https://127.0.0.1:<port>` */
  apiServer: string;
  /** `http://127.0.0.1:<port>/metrics` */
  metricsUrl: string;
  /** Path of the kubeconfig file (contexts mesh-sim-admin, mesh-sim-viewer). */
  kubeconfig: string;
  store: ClusterStore;
  traffic: TrafficEngine;
  /** The bearer tokens in the kubeconfig. */
  tokens: Tokens;
  /** Drops watch history and ends open watches with 410 Expired, so informers relist. */
  compactWatchCache(): void;
  /**
   * A ServiceAccount token, as `kubectl create token SA -n NS` gives (TokenRequest): a signed
   * JWT that authenticates as `system:serviceaccount:NS:SA`. The ServiceAccount must exist.
   */
  createToken(
    namespace: string,
    serviceAccount: string,
    opts?: { expirationSeconds?: number; audiences?: string[] },
  ): Promise<string>;
  /** The state dir in use (MeshSimOptions.stateDir), if any. */
  stateDir?: string;
  /** Writes the state dir now (it is also written shortly after every change and on stop). */
  saveState(): Promise<void>;
  /**
   * Stops and starts again from the state dir on the same ports and kubeconfig path, like a
   * kube-apiserver restart. Needs `stateDir`. Updates this object's fields in place.
   * `whileDown` changes the stored world between stop and start (as another writer to etcd
   * would): clients see those changes only after the restart, at higher resourceVersions.
   */
  restart(opts?: { whileDown?: (store: KubeStore) => void | Promise<void> }): Promise<MeshSim>;
  stop(): Promise<void>;
}

interface PodEndpoint {
  namespace: string;
  deployment: string;
  port: number;
  host: string;
  targetPort: number;
}

export function parsePodEndpoint(spec: string): PodEndpoint {
  const m = /^([a-z0-9-]+)\/([a-z0-9.-]+):(\d+)=([^:=\s]+):(\d+)$/.exec(spec);
  if (!m)
    throw new Error(
      `invalid --pod-endpoint "${spec}": expected <namespace>/<deployment>:<port>=<host>:<port>`,
    );
  return {
    namespace: m[1] ?? '',
    deployment: m[2] ?? '',
    port: Number(m[3]),
    host: m[4] ?? '',
    targetPort: Number(m[5]),
  };
}

function deploymentOfPod(store: KubeStore, pod: KubeObject): string | undefined {
  const ns = pod.metadata.namespace;
  for (const ref of pod.metadata.ownerReferences ?? []) {
    if (ref.kind !== 'ReplicaSet') continue;
    const rs = store.peek('replicasets.apps', ns, ref.name);
    const dep = rs?.metadata.ownerReferences?.find((r) => r.kind === 'Deployment');
    if (dep) return dep.name;
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && ref.name.endsWith(`-${hash}`)) return ref.name.slice(0, -hash.length - 1);
  }
  return undefined;
}

function podTargetResolver(store: KubeStore, specs: string[]): PodTargetResolver {
  const endpoints = specs.map(parsePodEndpoint);
  return (pod, port) => {
    const candidates = endpoints.filter((e) => e.namespace === pod.metadata.namespace && e.port === port);
    if (candidates.length === 0) return undefined;
    const dep = deploymentOfPod(store, pod);
    const hit = candidates.find((e) =>
      dep ? e.deployment === dep : pod.metadata.name.startsWith(`${e.deployment}-`),
    );
    return hit ? { host: hit.host, port: hit.targetPort } : undefined;
  };
}

const NOOP_TRAFFIC: TrafficEngine = {
  renderMetrics: () => '',
  collect: () => [],
  seriesCount: () => 0,
  stop: () => undefined,
  advance: () => 0,
  requestCount: () => 0,
};

/** The world of a first start: seed namespaces, CRDs, the scenario. */
function freshStore(opts: MeshSimOptions): KubeStore {
  const store = createClusterStore();
  const scenarioOpts: { scenario: 'bookinfo' | 'scale'; namespaces?: number; services?: number } = {
    scenario: opts.scenario,
  };
  if (opts.namespaces !== undefined) scenarioOpts.namespaces = opts.namespaces;
  if (opts.services !== undefined) scenarioOpts.services = opts.services;
  loadScenario(store, scenarioOpts);
  if (!store.peek('namespaces', undefined, 'istio-system')) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  }
  return store;
}

const tokensSchema = z.object({
  admin: z.string().min(16),
  viewer: z.string().min(16),
  bookinfoEditor: z.string().min(16).optional(),
});
const certsSchema = z.object({ caPem: z.string(), certPem: z.string(), keyPem: z.string() });

/** Loads what a previous run saved, or creates (and saves) it. */
async function loadOrCreate(
  state: StateDir | undefined,
  opts: MeshSimOptions,
): Promise<{
  store: KubeStore;
  certs: Certificates;
  tokens: Tokens;
  serviceAccountTokens: ServiceAccountTokens;
  restored: boolean;
}> {
  const snapshot = state?.readSnapshot();
  let store: KubeStore;
  if (snapshot) {
    store = new KubeStore();
    store.restore(snapshot);
  } else store = freshStore(opts);
  let certs = state?.read('tls.json', certsSchema);
  if (!certs) {
    certs = await generateCertificates();
    state?.write('tls.json', certs);
  }
  const saved = state?.read('tokens.json', tokensSchema);
  const tokens = saved ? completeTokens(saved) : generateTokens();
  if (!saved?.bookinfoEditor) state?.write('tokens.json', tokens);
  ensureRbacBootstrap(store, { restored: snapshot !== undefined });
  const savedKey = state?.read('sa-signing-key.json', signingKeySchema);
  const { tokens: serviceAccountTokens, key } = await ServiceAccountTokens.create(
    (ns, name) => store.peek('serviceaccounts', ns, name),
    savedKey,
  );
  if (!savedKey) state?.write('sa-signing-key.json', key);
  return { store, certs, tokens, serviceAccountTokens, restored: snapshot !== undefined };
}

/**
 * Changes the world saved in a state dir while no mesh-sim runs on it (tests: "a change made
 * while the API server was down"). Writes go through the store's rules (uid,
 * resourceVersion, validation), so the next start continues from them.
 */
export async function editState(
  stateDir: string,
  edit: (store: KubeStore) => void | Promise<void>,
): Promise<void> {
  const state = new StateDir(stateDir);
  const snapshot = state.readSnapshot();
  if (!snapshot) throw new Error(`no saved state in ${stateDir}`);
  const unlock = state.lock();
  try {
    const store = new KubeStore();
    store.restore(snapshot);
    await edit(store);
    await state.writeSnapshot(store.snapshot());
  } finally {
    unlock();
  }
}

/** One run of the servers; restart() replaces it with a new one on the same ports. */
interface Instance {
  fields: Pick<
    MeshSim,
    | 'apiServer'
    | 'metricsUrl'
    | 'store'
    | 'traffic'
    | 'tokens'
    | 'compactWatchCache'
    | 'saveState'
    | 'createToken'
  >;
  apiPort: number;
  metricsPort: number;
  shutdown(): Promise<void>;
}

async function startInstance(opts: MeshSimOptions, kubeconfig: string): Promise<Instance> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const state = opts.stateDir ? new StateDir(opts.stateDir) : undefined;
  const unlock = state?.lock();
  let loaded: Awaited<ReturnType<typeof loadOrCreate>>;
  try {
    loaded = await loadOrCreate(state, opts);
  } catch (err) {
    unlock?.();
    throw err;
  }
  const { store, certs, tokens, serviceAccountTokens, restored } = loaded;
  if (restored)
    log(`mesh-sim: restored state from ${opts.stateDir ?? ''} at resourceVersion ${store.resourceVersion()}`);
  const stopControllers = startControllers(store);
  const persister = state ? persistStore(store, state, { log }) : undefined;
  const stopPersisting = async (): Promise<void> => {
    if (persister) await persister.stop();
    unlock?.();
  };

  let api: Awaited<ReturnType<typeof startApiServer>>;
  try {
    api = await startApiServer({
      store,
      tokens,
      serviceAccountTokens,
      ...(opts.oidc ? { oidc: opts.oidc } : {}),
      tls: { cert: certs.certPem, key: certs.keyPem },
      port: opts.apiPort ?? 0,
      ...(opts.minorVersion ? { minorVersion: opts.minorVersion } : {}),
      ...(opts.bookmarkIntervalMs ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
      podTarget: podTargetResolver(store, opts.podEndpoints ?? []),
      log,
    });
  } catch (err) {
    stopControllers(); // e.g. the API port is taken
    await stopPersisting();
    throw err;
  }

  const traffic =
    opts.traffic === false
      ? NOOP_TRAFFIC
      : startTraffic({
          cluster: store,
          scenario: opts.scenario,
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.peerMetadataDiscovery ? { peerMetadataDiscovery: true } : {}),
        });
  const metrics = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      // PERFORMANCE: large meshes render hundreds of MB; stream lazy chunks so neither a string
      // limit nor the event loop is hit by one giant render.
      const chunks = traffic.metricsChunks ? traffic.metricsChunks() : [traffic.renderMetrics()];
      Readable.from(chunks)
        .on('error', (err) => {
          log(`mesh-sim: rendering metrics failed: ${String(err)}`);
          res.destroy(err);
        })
        .pipe(res);
    } else if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  try {
    await new Promise<void>((resolveListen, reject) => {
      metrics.once('error', reject);
      metrics.listen(opts.metricsPort ?? 0, '127.0.0.1', () => resolveListen());
    });
  } catch (err) {
    // e.g. the metrics port is taken: release what already runs before failing
    traffic.stop();
    stopControllers();
    await api.close();
    await stopPersisting();
    throw err;
  }
  const metricsPort = (metrics.address() as AddressInfo).port;

  writeFileSync(kubeconfig, renderKubeconfig({ server: api.url, caPem: certs.caPem, tokens }), {
    mode: 0o600,
  });

  let stopped = false;
  return {
    fields: {
      apiServer: api.url,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      store,
      traffic,
      tokens,
      compactWatchCache: () => store.compact(),
      saveState: async () => {
        if (persister) await persister.flush();
      },
      async createToken(namespace, serviceAccount, tokenOpts = {}) {
        const sa = store.peek('serviceaccounts', namespace, serviceAccount);
        if (!sa) throw new Error(`serviceaccounts "${serviceAccount}" not found in namespace "${namespace}"`);
        const issued = await serviceAccountTokens.issue(sa, {
          audiences: tokenOpts.audiences ?? API_AUDIENCES,
          expirationSeconds: tokenOpts.expirationSeconds ?? 3600,
        });
        return issued.token;
      },
    },
    apiPort: api.port,
    metricsPort,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      traffic.stop();
      stopControllers();
      await Promise.all([
        api.close(),
        new Promise<void>((r) => {
          metrics.close(() => r());
          metrics.closeAllConnections();
        }),
      ]);
      await stopPersisting();
    },
  };
}

export async function startMeshSim(opts: MeshSimOptions): Promise<MeshSim> {
  let tempDir: string | undefined;
  let kubeconfig = opts.kubeconfigOut;
  if (!kubeconfig) {
    tempDir = mkdtempSync(join(tmpdir(), 'mesh-sim-'));
    kubeconfig = join(tempDir, 'kubeconfig');
  }
  let current: Instance;
  try {
    current = await startInstance(opts, kubeconfig);
  } catch (err) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  const sim: MeshSim = {
    ...current.fields,
    kubeconfig,
    ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    async restart(restartOpts = {}) {
      if (!opts.stateDir) throw new Error('restart() needs MeshSimOptions.stateDir');
      if (stopped) throw new Error('restart() after stop()');
      const { apiPort, metricsPort } = current;
      await current.shutdown();
      if (restartOpts.whileDown) await editState(opts.stateDir, restartOpts.whileDown);
      current = await startInstance({ ...opts, apiPort, metricsPort }, kubeconfig);
      Object.assign(sim, current.fields);
      return sim;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await current.shutdown();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
  return sim;
}
