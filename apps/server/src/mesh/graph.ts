import type { Badge, ConfigRef, GraphEdge, GraphNode, GraphType, Health, NodeType } from '@sextant/shared';
import { isServerError, kialiThresholds, requestHealth, worstHealth } from './health';
import type { HealthThresholds } from './health';
import { selectorMatches } from './hosts';
import {
  configuredDestinations,
  destinationRulesFor,
  gatewaysSelecting,
  refOf,
  serviceBadges,
  serviceEntriesFor,
  virtualServicesFor,
  workloadPolicies,
} from './istioConfig';
import { filterByNamespaces, preferReporters, sampleKey } from './telemetry';
import { hasConfigErrors, validateMeshConfig } from './validations';
import type {
  DestinationPeer,
  MeshConfig,
  SourcePeer,
  Telemetry,
  TrafficProtocol,
  WorkloadInfo,
} from './types';

export interface GraphOptions {
  graphType: GraphType;
  /** Namespaces the person asked for; traffic touching any of them is drawn. */
  namespaces: string[];
  /** Put a service node between callers and the workloads behind the service. */
  injectServiceNodes: boolean;
  /** Also draw services and workloads of the namespaces that carried no traffic. */
  idleNodes: boolean;
  thresholds?: HealthThresholds;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** What identifies a node before it carries any data. */
interface NodeSpec {
  id: string;
  nodeType: NodeType;
  namespace: string;
  app?: string;
  version?: string;
  workload?: string;
  service?: string;
}

interface EdgeAcc {
  source: string;
  target: string;
  protocol: TrafficProtocol;
  rps: number;
  errorRps: number;
  mtlsRps: number;
  byCode: Record<string, number>;
  byFlag: Record<string, number>;
  tcpBytes: number;
  mtlsBytes: number;
  latency: Record<'p50' | 'p95' | 'p99', { weighted: number; weight: number; sum: number; count: number }>;
  configuredWeight?: number;
  idle: boolean;
}

const UNKNOWN = 'unknown';
const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const add = (m: Record<string, number>, k: string, v: number): void => {
  m[k] = (m[k] ?? 0) + v;
};

/**
 * Turns telemetry samples and configuration into the graph of one graph type. Pure: the same
 * inputs give the same graph, nodes and edges sorted by id.
 */
export function buildGraph(telemetry: Telemetry, config: MeshConfig, options: GraphOptions): Graph {
  let findings: ReturnType<typeof validateMeshConfig> | undefined;
  const { graphType, injectServiceNodes } = options;
  const selected = new Set(options.namespaces);
  const thresholds = options.thresholds ?? kialiThresholds;
  const withServiceNodes = graphType === 'service' || injectServiceNodes;

  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, EdgeAcc>();

  const ensureNode = (spec: NodeSpec, idle: boolean): GraphNode => {
    const existing = nodes.get(spec.id);
    if (existing) {
      if (!idle) delete existing.isIdle;
      return existing;
    }
    const node: GraphNode = { ...spec, hasSidecar: true, health: 'na', badges: [] };
    if (idle) node.isIdle = true;
    nodes.set(spec.id, node);
    return node;
  };

  const ensureEdge = (
    source: NodeSpec,
    target: NodeSpec,
    protocol: TrafficProtocol,
    idle: boolean,
  ): EdgeAcc => {
    ensureNode(source, idle);
    ensureNode(target, idle);
    const key = edgeId(source.id, target.id, protocol);
    let e = edges.get(key);
    if (!e) {
      const q = () => ({ weighted: 0, weight: 0, sum: 0, count: 0 });
      e = {
        source: source.id,
        target: target.id,
        protocol,
        rps: 0,
        errorRps: 0,
        mtlsRps: 0,
        byCode: {},
        byFlag: {},
        tcpBytes: 0,
        mtlsBytes: 0,
        latency: { p50: q(), p95: q(), p99: q() },
        idle,
      };
      edges.set(key, e);
    } else if (!idle) {
      e.idle = false;
    }
    return e;
  };

  // PERFORMANCE: looked up once per sample; a scan per sample is quadratic on big meshes.
  const workloadIndex = new Map(config.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const serviceIndex = new Map(config.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const workloadsByNamespace = new Map<string, WorkloadInfo[]>();
  for (const w of config.workloads) {
    const list = workloadsByNamespace.get(w.namespace);
    if (list) list.push(w);
    else workloadsByNamespace.set(w.namespace, [w]);
  }
  const workloadsIn = (namespace: string): WorkloadInfo[] => workloadsByNamespace.get(namespace) ?? [];
  const findService = (name: string, namespace: string) => serviceIndex.get(`${namespace}/${name}`);
  const workloadOf = (name: string, namespace: string): WorkloadInfo | undefined =>
    workloadIndex.get(`${namespace}/${name}`);

  /** The node a workload-level peer becomes in this graph type. */
  const peerSpec = (
    workload: string,
    namespace: string,
    appHint?: string,
    versionHint?: string,
  ): NodeSpec => {
    if (workload === UNKNOWN) return { id: UNKNOWN, nodeType: 'unknown', namespace: UNKNOWN };
    const known = workloadOf(workload, namespace);
    const app = appHint ?? known?.app;
    const version = versionHint ?? known?.version;
    const wl: NodeSpec = {
      id: `wl:${namespace}:${workload}`,
      nodeType: 'workload',
      namespace,
      workload,
      app,
      version,
    };
    if (graphType === 'workload' || app === undefined) return wl;
    if (graphType === 'versionedApp' && version !== undefined) {
      return { id: `app:${namespace}:${app}:${version}`, nodeType: 'app', namespace, app, version };
    }
    return { id: `app:${namespace}:${app}`, nodeType: 'app', namespace, app };
  };

  const serviceSpec = (
    d: Pick<DestinationPeer, 'service' | 'serviceNamespace' | 'workload'>,
  ): NodeSpec | undefined => {
    if (d.service === UNKNOWN || d.service === '') return undefined;
    const known = findService(d.service, d.serviceNamespace) !== undefined;
    const nodeType: NodeType = known || d.workload !== UNKNOWN ? 'service' : 'external';
    return {
      id: `svc:${d.serviceNamespace}:${d.service}`,
      nodeType,
      namespace: d.serviceNamespace,
      service: d.service,
    };
  };

  /** In the service graph a caller is drawn as the service that fronts it, when there is one. */
  const sourceSpec = (s: SourcePeer): NodeSpec => {
    if (graphType === 'service' && s.workload !== UNKNOWN) {
      const labels = workloadOf(s.workload, s.namespace)?.labels;
      const svc =
        labels &&
        config.services.find((x) => x.namespace === s.namespace && selectorMatches(x.selector, labels));
      if (svc)
        return {
          id: `svc:${svc.namespace}:${svc.name}`,
          nodeType: 'service',
          namespace: svc.namespace,
          service: svc.name,
        };
      const app = s.app ?? workloadOf(s.workload, s.namespace)?.app;
      if (app !== undefined)
        return { id: `app:${s.namespace}:${app}`, nodeType: 'app', namespace: s.namespace, app };
      return peerSpec(s.workload, s.namespace);
    }
    return peerSpec(s.workload, s.namespace, s.app, s.version);
  };

  /** The hops one sample is drawn on. */
  const hops = (source: SourcePeer, destination: DestinationPeer): [NodeSpec, NodeSpec][] => {
    const src = sourceSpec(source);
    const svc = serviceSpec(destination);
    const dst =
      destination.workload === UNKNOWN
        ? undefined
        : peerSpec(destination.workload, destination.workloadNamespace, destination.app, destination.version);
    if (graphType === 'service') {
      const target = svc ?? dst;
      return target ? [[src, target]] : [];
    }
    if (injectServiceNodes && svc)
      return dst
        ? [
            [src, svc],
            [svc, dst],
          ]
        : [[src, svc]];
    const target = dst ?? svc;
    return target ? [[src, target]] : [];
  };

  const inScope = filterByNamespaces(selected);
  const requests = preferReporters(telemetry.requests).filter(inScope);
  const latencies = preferReporters(telemetry.latencies).filter(inScope);
  const tcp = preferReporters(telemetry.tcp).filter(inScope);

  const rpsByKey = new Map<string, number>();
  for (const s of requests) {
    rpsByKey.set(sampleKey(s), (rpsByKey.get(sampleKey(s)) ?? 0) + s.rps);
    for (const [from, to] of hops(s.source, s.destination)) {
      const e = ensureEdge(from, to, s.protocol === 'tcp' ? 'http' : s.protocol, false);
      e.rps += s.rps;
      add(e.byCode, s.responseCode, s.rps);
      add(e.byFlag, s.responseFlags, s.rps);
      if (isServerError(s.responseCode)) e.errorRps += s.rps;
      if (s.securityPolicy === 'mutual_tls') e.mtlsRps += s.rps;
    }
  }

  for (const s of latencies) {
    const weight = rpsByKey.get(sampleKey(s)) ?? 0;
    for (const [from, to] of hops(s.source, s.destination)) {
      const e = edges.get(edgeId(from.id, to.id, 'http')) ?? edges.get(edgeId(from.id, to.id, 'grpc'));
      if (!e) continue;
      for (const q of ['p50', 'p95', 'p99'] as const) {
        const v = s[q];
        if (v === null || !Number.isFinite(v)) continue;
        const acc = e.latency[q];
        acc.weighted += v * weight;
        acc.weight += weight;
        acc.sum += v;
        acc.count += 1;
      }
    }
  }

  for (const s of tcp) {
    for (const [from, to] of hops(s.source, s.destination)) {
      const e = ensureEdge(from, to, 'tcp', false);
      const bytes = s.bytesSentPerSecond + s.bytesReceivedPerSecond;
      e.rps += s.connectionsOpenedPerSecond;
      e.tcpBytes += bytes;
      if (s.securityPolicy === 'mutual_tls') e.mtlsBytes += bytes;
    }
  }

  if (options.idleNodes) {
    if (withServiceNodes) {
      for (const svc of config.services) {
        if (!selected.has(svc.namespace)) continue;
        ensureNode(
          {
            id: `svc:${svc.namespace}:${svc.name}`,
            nodeType: 'service',
            namespace: svc.namespace,
            service: svc.name,
          },
          true,
        );
      }
    }
    if (graphType !== 'service') {
      for (const w of config.workloads) {
        if (selected.has(w.namespace)) ensureNode(peerSpec(w.name, w.namespace), true);
      }
    }
  }

  if (graphType !== 'service' && injectServiceNodes) addConfiguredWeights();

  if (graphType === 'versionedApp') addAppBoxes();

  const backing = (n: GraphNode): WorkloadInfo[] => {
    switch (n.nodeType) {
      case 'workload': {
        const w = workloadOf(n.workload ?? '', n.namespace);
        return w ? [w] : [];
      }
      case 'app':
        return workloadsIn(n.namespace).filter(
          (w) =>
            w.namespace === n.namespace &&
            w.app === n.app &&
            (n.version === undefined || n.isBox || w.version === n.version),
        );
      case 'service': {
        const svc = findService(n.service ?? '', n.namespace);
        return svc
          ? workloadsIn(n.namespace).filter(
              (w) => w.namespace === n.namespace && selectorMatches(svc.selector, w.labels),
            )
          : [];
      }
      default:
        return [];
    }
  };

  // Node traffic and health come from the finished edges, so every graph type agrees.
  const inCodes = new Map<string, Record<string, number>>();
  const inFlags = new Map<string, Record<string, number>>();
  const outCodes = new Map<string, Record<string, number>>();
  const rpsIn = new Map<string, number>();
  const rpsOut = new Map<string, number>();
  const tcpTouched = new Set<string>();
  for (const e of edges.values()) {
    if (e.idle) continue;
    if (e.protocol === 'tcp') {
      tcpTouched.add(e.source).add(e.target);
      continue;
    }
    const m = (map: Map<string, Record<string, number>>, id: string): Record<string, number> => {
      let r = map.get(id);
      if (!r) map.set(id, (r = {}));
      return r;
    };
    for (const [code, v] of Object.entries(e.byCode)) {
      add(m(inCodes, e.target), code, v);
      add(m(outCodes, e.source), code, v);
    }
    for (const [flag, v] of Object.entries(e.byFlag)) add(m(inFlags, e.target), flag, v);
    rpsIn.set(e.target, (rpsIn.get(e.target) ?? 0) + e.rps);
    rpsOut.set(e.source, (rpsOut.get(e.source) ?? 0) + e.rps);
  }

  for (const n of nodes.values()) {
    if (n.isBox) continue;
    const inbound = inCodes.get(n.id) ?? {};
    const inRps = rpsIn.get(n.id) ?? 0;
    const outRps = rpsOut.get(n.id) ?? 0;
    let health: Health = requestHealth(inbound, thresholds);
    if (n.nodeType === 'app' || n.nodeType === 'workload')
      health = worstHealth(health, requestHealth(outCodes.get(n.id) ?? {}, thresholds));
    if (n.nodeType === 'unknown') health = 'na';
    else if (health === 'na' && tcpTouched.has(n.id)) health = 'healthy';
    n.health = health;
    if (inRps > 0 || outRps > 0) {
      let errors = 0;
      for (const [code, v] of Object.entries(inbound)) if (isServerError(code)) errors += v;
      n.traffic = {
        rpsIn: round(inRps),
        rpsOut: round(outRps),
        errorRateIn: inRps > 0 ? round(errors / inRps) : 0,
        byCode: roundAll(inbound),
        byFlag: roundAll(inFlags.get(n.id) ?? {}),
      };
    }
    decorate(n, backing(n));
  }
  const membersOf = new Map<string, GraphNode[]>();
  for (const n of nodes.values()) {
    if (n.parent === undefined) continue;
    const list = membersOf.get(n.parent);
    if (list) list.push(n);
    else membersOf.set(n.parent, [n]);
  }
  for (const n of nodes.values()) {
    if (!n.isBox) continue;
    const members = membersOf.get(n.id) ?? [];
    n.health = members.reduce<Health>((h, m) => worstHealth(h, m.health), 'na');
    n.hasSidecar = members.every((m) => m.hasSidecar);
    if (members.every((m) => m.isIdle)) n.isIdle = true;
  }

  // percentOfSource: HTTP/gRPC edges share requests, TCP edges share bytes.
  const outHttp = new Map<string, number>();
  const outTcp = new Map<string, number>();
  for (const e of edges.values()) {
    if (e.protocol === 'tcp') outTcp.set(e.source, (outTcp.get(e.source) ?? 0) + e.tcpBytes);
    else outHttp.set(e.source, (outHttp.get(e.source) ?? 0) + e.rps);
  }

  const outEdges: GraphEdge[] = [...edges.entries()].map(([id, e]) => {
    const tcpEdge = e.protocol === 'tcp';
    const total = tcpEdge ? (outTcp.get(e.source) ?? 0) : (outHttp.get(e.source) ?? 0);
    const own = tcpEdge ? e.tcpBytes : e.rps;
    const quantile = (q: 'p50' | 'p95' | 'p99'): number | null => {
      const a = e.latency[q];
      if (a.weight > 0) return round(a.weighted / a.weight);
      return a.count > 0 ? round(a.sum / a.count) : null;
    };
    const edge: GraphEdge = {
      id,
      source: e.source,
      target: e.target,
      protocol: e.protocol,
      rps: round(e.rps),
      errorRate: e.rps > 0 && !tcpEdge ? round(e.errorRps / e.rps) : 0,
      percentOfSource: total > 0 ? round((own / total) * 100) : 0,
      mtlsPercent: tcpEdge
        ? e.tcpBytes > 0
          ? round((e.mtlsBytes / e.tcpBytes) * 100)
          : 0
        : e.rps > 0
          ? round((e.mtlsRps / e.rps) * 100)
          : 0,
      responseTimeMs: { p50: quantile('p50'), p95: quantile('p95'), p99: quantile('p99') },
    };
    if (tcpEdge) edge.tcpBytesPerSecond = round(e.tcpBytes);
    else {
      edge.byCode = roundAll(e.byCode);
      edge.byFlag = roundAll(e.byFlag);
    }
    if (e.configuredWeight !== undefined) edge.configuredWeight = round(e.configuredWeight);
    if (e.idle) edge.isIdle = true;
    return edge;
  });

  return {
    // PERFORMANCE: plain code-unit order; localeCompare is an order of magnitude slower.
    nodes: [...nodes.values()].sort((a, b) => byId(a.id, b.id)),
    edges: outEdges.sort((a, b) => byId(a.id, b.id)),
  };

  /** Weights of the service's VirtualService route, on the edges from the service node to its versions. */
  function addConfiguredWeights(): void {
    for (const n of [...nodes.values()]) {
      if (n.nodeType !== 'service' || n.service === undefined) continue;
      const svc = findService(n.service, n.namespace);
      if (!svc) continue;
      const weights = new Map<string, { spec: NodeSpec; weight: number }>();
      for (const dest of configuredDestinations(config, svc)) {
        if (dest.subsetLabels === null) continue;
        const subsetLabels = dest.subsetLabels;
        const targets = new Map<string, NodeSpec>();
        for (const w of workloadsIn(svc.namespace)) {
          if (!selectorMatches(svc.selector, w.labels)) continue;
          if (!Object.entries(subsetLabels).every(([k, v]) => w.labels[k] === v)) continue;
          const spec = peerSpec(w.name, w.namespace);
          targets.set(spec.id, spec);
        }
        for (const spec of targets.values()) {
          const acc = weights.get(spec.id) ?? { spec, weight: 0 };
          acc.weight += dest.weight / targets.size;
          weights.set(spec.id, acc);
        }
      }
      for (const { spec, weight } of weights.values()) {
        const existing = [...edges.values()].filter((e) => e.source === n.id && e.target === spec.id);
        if (existing.length === 0) existing.push(ensureEdge(n, spec, 'http', true));
        for (const e of existing) e.configuredWeight = (e.configuredWeight ?? 0) + weight;
      }
    }
  }

  /** Versions of one app are drawn inside a box named after the app, when there are several. */
  function addAppBoxes(): void {
    const groups = new Map<string, GraphNode[]>();
    for (const n of nodes.values()) {
      if (n.nodeType !== 'app' || n.version === undefined || n.app === undefined) continue;
      const key = `${n.namespace}:${n.app}`;
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const [key, members] of groups) {
      if (members.length < 2) continue;
      const first = members[0];
      if (!first) continue;
      const id = `box:${key}`;
      nodes.set(id, {
        id,
        nodeType: 'app',
        namespace: first.namespace,
        app: first.app,
        isBox: true,
        hasSidecar: true,
        health: 'na',
        badges: [],
      });
      for (const m of members) m.parent = id;
    }
  }

  function decorate(n: GraphNode, workloads: WorkloadInfo[]): void {
    const badges = new Set<Badge>();
    const refs: ConfigRef[] = [];
    const seen = new Set<string>();
    const addRef = (r: ConfigRef): void => {
      const k = `${r.kind}/${r.namespace}/${r.name}`;
      if (!seen.has(k)) {
        seen.add(k);
        refs.push(r);
      }
    };
    if (n.nodeType === 'service' || n.nodeType === 'external') {
      const name = n.service ?? '';
      const vss = virtualServicesFor(config, name, n.namespace);
      const drs = destinationRulesFor(config, name, n.namespace);
      for (const b of serviceBadges(vss, drs)) badges.add(b);
      for (const o of [...vss, ...drs, ...serviceEntriesFor(config, name, n.namespace)]) addRef(refOf(o));
      n.hasSidecar = workloads.every((w) => w.hasSidecar);
    } else if (n.nodeType === 'app' || n.nodeType === 'workload') {
      if (workloads.length > 0) n.hasSidecar = workloads.every((w) => w.hasSidecar);
      for (const w of workloads) {
        const gws = gatewaysSelecting(config, w.labels);
        if (gws.length > 0) badges.add('GW');
        for (const o of [...gws, ...workloadPolicies(config, w.namespace, w.labels)]) addRef(refOf(o));
      }
      if (!n.hasSidecar && !badges.has('GW')) badges.add('MS');
    } else {
      n.hasSidecar = false;
    }
    // PERFORMANCE: the mesh is validated once per graph, on the first node that has config.
    if (refs.length > 0 && hasConfigErrors(refs, (findings ??= validateMeshConfig(config))))
      badges.add('ERR');
    n.badges = [...badges].sort();
    if (refs.length > 0) n.config = refs;
  }
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const edgeId = (source: string, target: string, protocol: TrafficProtocol): string =>
  protocol === 'http' ? `${source}->${target}` : `${source}->${target}:${protocol}`;

function roundAll(m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[k] = round(v);
  return out;
}
