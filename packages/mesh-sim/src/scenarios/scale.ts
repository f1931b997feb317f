/**
 * A generated mesh for benchmarks: namespaces `scale-0..N-1`, each with services `svc-0..M-1`
 * (Deployment `svc-<j>-v1`, plus `svc-<j>-v2` for every third service). The call graph is a
 * layered fan-out like real service meshes: a few entry services call 2–4 services of the
 * next layer, about four layers deep; a few calls cross into the next namespace; edges only
 * go to deeper layers or higher namespaces, so there are no cycles.
 *
 * Every protocol Istio reports is there: every fourth service (`svc-2`, `svc-6`, …) speaks gRPC
 * (port `grpc-api`, or, for every other one of them, a port `api` with `appProtocol: grpc`), and
 * every other namespace (`scale-0`, `scale-2`, …) has one TCP database on top of its M services
 * (`mysql`, `redis` or `mongodb` in turn, Deployment `<name>-v1`), called by its services
 * `svc-1`, `svc-5`, `svc-9`, … (or by `svc-0` when the mesh is smaller than that). So a mesh of
 * N namespaces and M services has N×M services plus ⌈N/2⌉ databases.
 *
 * The traffic model reads the graph from two Deployment annotations:
 * `sim.sextant.io/calls` (comma-separated `<service>.<namespace>`) and, on entry workloads
 * only, `sim.sextant.io/rps` (requests per second the workload originates).
 */
import type { ClusterStore, KubeObject } from '../cluster/types';
import { applyManifests, ensureNamespace } from './manifests';

export const CALLS_ANNOTATION = 'sim.sextant.io/calls';
export const RPS_ANNOTATION = 'sim.sextant.io/rps';
/** Per-workload overrides of the traffic model's derived latency and 5xx share. */
export const LATENCY_ANNOTATION = 'sim.sextant.io/latency-ms';
export const ERROR_ANNOTATION = 'sim.sextant.io/error-percent';
export const DEFAULT_NAMESPACES = 5;
export const DEFAULT_SERVICES = 10;
const PORT = 9080;
const DEPTH = 4;

export interface ServicePlan {
  name: string;
  depth: number;
  versions: string[];
  /** gRPC services declare it by port name (`grpc-api`) or by `appProtocol: grpc` on a port `api`. */
  protocol: 'http' | 'grpc';
  /** `<service>.<namespace>` */
  calls: string[];
  /** Requests per second originated (entry services only). */
  rps?: number;
}

/** A TCP database: one Deployment and a Service whose port name makes Istio treat it as TCP. */
export interface DatabasePlan {
  name: 'mysql' | 'redis' | 'mongodb';
  port: number;
  /** Istio's protocol selection by port name: `mysql`, `redis`, `mongo` are TCP. */
  portName: string;
}

export interface NamespacePlan {
  name: string;
  injected: boolean;
  services: ServicePlan[];
  database?: DatabasePlan;
}

const DATABASES: DatabasePlan[] = [
  { name: 'mysql', port: 3306, portName: 'mysql' },
  { name: 'redis', port: 6379, portName: 'redis' },
  { name: 'mongodb', port: 27017, portName: 'mongo' },
];

/** Every other namespace has a database, kinds in turn. */
export function databaseFor(namespaceIndex: number): DatabasePlan | undefined {
  return namespaceIndex % 2 === 0 ? DATABASES[(namespaceIndex / 2) % DATABASES.length] : undefined;
}

/** A small deterministic PRNG (mulberry32): the same flags give the same mesh. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: T[]): T | undefined {
  return items[Math.floor(rand() * items.length)];
}

/** The plan of the whole mesh (pure; exported for tests and for readers of the topology). */
export function planScaleMesh(namespaces: number, services: number): NamespacePlan[] {
  const plans: NamespacePlan[] = [];
  for (let i = 0; i < namespaces; i++) {
    const rand = random(1000 + i);
    const name = `scale-${i}`;
    const entries = Math.min(services, Math.max(1, Math.round(services * 0.1)));
    const list: ServicePlan[] = [];
    for (let j = 0; j < services; j++) {
      const depth =
        j < entries ? 0 : 1 + Math.floor(((j - entries) * (DEPTH - 1)) / Math.max(1, services - entries));
      const plan: ServicePlan = {
        name: `svc-${j}`,
        depth,
        versions: j % 3 === 0 ? ['v1', 'v2'] : ['v1'],
        protocol: j % 4 === 2 ? 'grpc' : 'http',
        calls: [],
      };
      if (depth === 0) plan.rps = 5 + Math.floor(rand() * 16);
      list.push(plan);
    }
    const layer = (d: number): ServicePlan[] => list.filter((s) => s.depth === d);
    const fq = (s: ServicePlan): string => `${s.name}.${name}`;
    // Every service below the entries has at least one caller, spread evenly over the layer above…
    for (let d = 1; d < DEPTH; d++) {
      const callers = layer(d - 1);
      for (const callee of layer(d)) {
        const fewest = Math.min(...callers.map((c) => c.calls.length));
        const caller = pick(
          rand,
          callers.filter((c) => c.calls.length === fewest),
        );
        if (caller !== undefined) caller.calls.push(fq(callee));
      }
    }
    // …and every caller fans out to 2–4 services of the next layer when it has that many.
    for (let d = 0; d < DEPTH - 1; d++) {
      const next = layer(d + 1);
      for (const caller of layer(d)) {
        const fanOut = Math.min(next.length, 2 + Math.floor(rand() * 3));
        for (let tries = 0; caller.calls.length < fanOut && tries < 20; tries++) {
          const callee = pick(rand, next);
          if (callee !== undefined && !caller.calls.includes(fq(callee))) caller.calls.push(fq(callee));
        }
      }
    }
    const database = databaseFor(i);
    if (database !== undefined) {
      const callers = list.filter((s, j) => j % 4 === 1);
      for (const caller of callers.length > 0 ? callers : list.slice(0, 1))
        caller.calls.push(`${database.name}.${name}`);
    }
    plans.push({
      name,
      injected: !(i % 10 === 9 || (namespaces >= 3 && namespaces < 10 && i === namespaces - 1)),
      services: list,
      ...(database !== undefined ? { database } : {}),
    });
  }
  // Some entry services also call into the next namespace's first layer (never backwards: no cycles).
  for (let i = 0; i + 1 < plans.length; i += 3) {
    const entry = plans[i]?.services.find((s) => s.depth === 0);
    const target = plans[i + 1]?.services.find((s) => s.depth === 1);
    if (entry !== undefined && target !== undefined) entry.calls.push(`${target.name}.scale-${i + 1}`);
  }
  return plans;
}

function deployment(
  namespace: string,
  app: string,
  version: string,
  annotations: Record<string, string>,
  port: { name: string; containerPort: number },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${app}-${version}`, namespace, labels: { app, version }, annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app, version } },
      template: {
        metadata: { labels: { app, version } },
        spec: {
          containers: [
            {
              name: app,
              image: 'docker.io/sextant/sim-workload:1.0',
              ports: [{ ...port, protocol: 'TCP' }],
            },
          ],
        },
      },
    },
  };
}

/** The gRPC port: by name for half of the gRPC services, by appProtocol for the others. */
function servicePort(service: ServicePlan, index: number): Record<string, unknown> {
  if (service.protocol === 'http') return { name: 'http', port: PORT, targetPort: PORT, protocol: 'TCP' };
  return index % 8 === 2
    ? { name: 'grpc-api', port: PORT, targetPort: PORT, protocol: 'TCP' }
    : { name: 'api', appProtocol: 'grpc', port: PORT, targetPort: PORT, protocol: 'TCP' };
}

function objectsFor(ns: NamespacePlan, service: ServicePlan, index: number): KubeObject[] {
  const app = service.name;
  const port = servicePort(service, index);
  const objects: KubeObject[] = [];
  for (const version of service.versions) {
    const annotations: Record<string, string> = { [CALLS_ANNOTATION]: service.calls.join(',') };
    if (service.rps !== undefined) annotations[RPS_ANNOTATION] = String(service.rps);
    objects.push(
      deployment(ns.name, app, version, annotations, { name: String(port.name), containerPort: PORT }),
    );
  }
  // PERFORMANCE: the Service last, so its Endpoints are written once, already filled.
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: ns.name, labels: { app, service: app } },
    spec: { selector: { app }, ports: [port] },
  });
  return objects;
}

function databaseObjects(namespace: string, db: DatabasePlan): KubeObject[] {
  return [
    // A database calls nobody; the empty annotation keeps every scale Deployment alike.
    deployment(
      namespace,
      db.name,
      'v1',
      { [CALLS_ANNOTATION]: '' },
      { name: db.portName, containerPort: db.port },
    ),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: db.name, namespace, labels: { app: db.name, service: db.name } },
      spec: {
        selector: { app: db.name },
        ports: [{ name: db.portName, port: db.port, targetPort: db.port, protocol: 'TCP' }],
      },
    },
  ];
}

export function loadScale(
  store: ClusterStore,
  namespaces = DEFAULT_NAMESPACES,
  services = DEFAULT_SERVICES,
): void {
  for (const ns of planScaleMesh(namespaces, services)) {
    ensureNamespace(store, ns.name, ns.injected ? { 'istio-injection': 'enabled' } : {});
    for (const [index, service] of ns.services.entries())
      applyManifests(store, objectsFor(ns, service, index));
    if (ns.database) applyManifests(store, databaseObjects(ns.name, ns.database));
  }
}
