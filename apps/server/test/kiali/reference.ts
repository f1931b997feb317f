import type { GraphType } from '@sextant/shared';
import type { PromClient } from '../../src/prom/client';

/**
 * A test-side model of how Kiali builds a graph from the same Prometheus, written from reading
 * kiali/kiali (graph/telemetry/istio/istio.go: the per-namespace queries, populateTrafficMap,
 * addTraffic, addEdgeTraffic; graph/types.go: Id; graph/telemetry/common.go:
 * ReduceToServiceGraph; appender/security_policy.go) — its rules, not its code. Used only to
 * check that Sextant draws the graph Kiali would, within tolerances; node ids are written in
 * Sextant's scheme so the two compare directly.
 *
 * Kiali's merge, in short: per namespace it reads (0) the caller's reports of requests that
 * reached no workload in the namespace, (2) the destination's reports of requests into it, (3)
 * the caller's reports of requests out of it, in that order, and adds a series to an edge unless
 * an identical series (same source labels, destination labels, code, flags, host) was already
 * added: the destination's report where both proxies have it, the caller's otherwise.
 *
 * TCP edges are read as Kiali reads them by default: bytes per second the destination sent back
 * (`istio_tcp_sent_bytes_total`, named from the server's side by both proxies, istio/istio#32399).
 * Left out: clusters, ambient/waypoints, gRPC message rates, response times, TCP mTLS.
 */

const PEER_LABELS = [
  'source_workload_namespace',
  'source_workload',
  'source_canonical_service',
  'source_canonical_revision',
  'destination_service_namespace',
  'destination_service',
  'destination_service_name',
  'destination_workload_namespace',
  'destination_workload',
  'destination_canonical_service',
  'destination_canonical_revision',
];
const GROUP_BY = [
  ...PEER_LABELS,
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
];

type Labels = Record<string, string>;
interface Series {
  metric: Labels;
  value: number;
}

export interface KialiEdge {
  source: string;
  target: string;
  protocol: string;
  rps: number;
  errorRps: number;
  /** code (Kiali's: gRPC status for gRPC, `-` for no response) → flags → rps. */
  responses: Record<string, Record<string, number>>;
  mtlsPercent: number;
  percentOfSource: number;
  /** Hashes of the series already added (Kiali's duplicate guard). */
  seen: Set<string>;
}

export interface KialiGraph {
  nodes: Map<string, { id: string; nodeType: string }>;
  edges: Map<string, KialiEdge>;
}

const ok = (s: string | undefined): s is string => s !== undefined && s !== '' && s !== 'unknown';
const okVersion = (s: string | undefined): s is string => ok(s) && s !== 'latest';

/** Kiali's node identity rules (graph/types.go Id), in Sextant's id scheme. */
function nodeId(
  graphType: GraphType,
  p: { svcNs: string; svc: string; wlNs: string; wl: string; app: string; version: string },
): { id: string; nodeType: string } {
  const ns = ok(p.wlNs) ? p.wlNs : p.svcNs;
  if (ns === 'unknown' && p.wl === 'unknown' && p.app === 'unknown' && p.svc === '')
    return { id: 'unknown', nodeType: 'unknown' };
  // One unknown service per namespace for requests that reached nothing Kiali can name.
  if (p.wl === 'unknown' && p.app === 'unknown' && p.svc === 'unknown')
    return { id: `unknown-dest:${ns}`, nodeType: 'unknown' };
  if (graphType === 'workload' || graphType === 'service') {
    if (!ok(p.wl)) return { id: `svc:${ns}:${ok(p.svc) ? p.svc : 'unknown'}`, nodeType: 'service' };
    return { id: `wl:${ns}:${p.wl}`, nodeType: 'workload' };
  }
  if (ok(p.app)) {
    if (graphType === 'versionedApp' && okVersion(p.version))
      return { id: `app:${ns}:${p.app}:${p.version}`, nodeType: 'app' };
    return { id: `app:${ns}:${p.app}`, nodeType: 'app' };
  }
  if (ok(p.wl)) return { id: `wl:${ns}:${p.wl}`, nodeType: 'workload' };
  return { id: `svc:${ns}:${p.svc}`, nodeType: 'service' };
}

/** Kiali's response code: `-` for no response, the gRPC status for answered gRPC requests. */
function kialiCode(protocol: string, code: string, grpc: string | undefined): string {
  if (protocol === 'tcp') return '';
  if (code === '0') return '-';
  if (protocol !== 'grpc' || /^[45]/.test(code) || grpc === undefined || grpc === '') return code;
  return grpc;
}

const isError = (protocol: string, code: string): boolean =>
  protocol !== 'tcp' &&
  (code === '-' || (protocol === 'grpc' ? code !== '0' && !/^2/.test(code) : /^[45]/.test(code)));

export async function kialiGraph(
  client: PromClient,
  options: {
    namespace: string;
    graphType: GraphType;
    injectServiceNodes: boolean;
    windowSeconds: number;
    time: number;
  },
): Promise<KialiGraph> {
  const { namespace: ns, windowSeconds: w, time } = options;
  const metric = 'istio_requests_total';
  const by = GROUP_BY.join(',');
  const queries = [
    `sum(rate(${metric}{reporter="source",source_workload_namespace!="${ns}",destination_workload_namespace="unknown",destination_workload="unknown",destination_service=~"^.+\\\\.${ns}\\\\..+$"}[${w}s])) by (${by}) > 0`,
    `sum(rate(${metric}{reporter="destination",destination_workload_namespace="${ns}"}[${w}s])) by (${by}) > 0`,
    `sum(rate(${metric}{reporter="source",source_workload_namespace="${ns}"}[${w}s])) by (${by}) > 0`,
  ];
  const g: KialiGraph = { nodes: new Map(), edges: new Map() };
  for (const q of queries) {
    const series = (await client.query(q, { time, timeoutMs: 10_000 })) as Series[];
    for (const s of series) addSeries(g, s, options);
  }
  const tcp = 'istio_tcp_sent_bytes_total';
  const tcpBy = [...PEER_LABELS, 'response_flags'].join(',');
  for (const q of [
    `sum(rate(${tcp}{reporter="source",source_workload_namespace!="${ns}",destination_workload_namespace="unknown",destination_workload="unknown",destination_service=~"^.+\\\\.${ns}\\\\..+$"}[${w}s])) by (${tcpBy}) > 0`,
    `sum(rate(${tcp}{reporter="destination",destination_workload_namespace="${ns}"}[${w}s])) by (${tcpBy}) > 0`,
    `sum(rate(${tcp}{reporter="source",source_workload_namespace="${ns}"}[${w}s])) by (${tcpBy}) > 0`,
  ]) {
    const series = (await client.query(q, { time, timeoutMs: 10_000 })) as Series[];
    for (const s of series)
      addSeries(
        g,
        { metric: { ...s.metric, request_protocol: 'tcp', response_code: '' }, value: s.value },
        options,
      );
  }
  const security = (await client.query(
    `sum(rate(${metric}{reporter="destination",destination_service_namespace="${ns}"}[${w}s])) by (${PEER_LABELS.join(',')},connection_security_policy) > 0 or sum(rate(${metric}{reporter="destination",source_workload_namespace="${ns}"}[${w}s])) by (${PEER_LABELS.join(',')},connection_security_policy) > 0`,
    { time, timeoutMs: 10_000 },
  )) as Series[];
  applySecurity(g, security, options);
  const out = options.graphType === 'service' ? reduceToServiceGraph(g) : g;
  sharePerProtocol(out);
  return out;
}

function peers(m: Labels, graphType: GraphType) {
  const source = nodeId(graphType, {
    svcNs: m.source_workload_namespace ?? '',
    svc: '',
    wlNs: m.source_workload_namespace ?? '',
    wl: m.source_workload ?? '',
    app: m.source_canonical_service ?? '',
    version: m.source_canonical_revision ?? '',
  });
  const dest = nodeId(graphType, {
    svcNs: m.destination_service_namespace ?? '',
    svc: m.destination_service_name ?? '',
    wlNs: m.destination_workload_namespace ?? '',
    wl: m.destination_workload ?? '',
    app: m.destination_canonical_service ?? '',
    version: m.destination_canonical_revision ?? '',
  });
  return { source, dest };
}

function addSeries(
  g: KialiGraph,
  s: Series,
  options: { graphType: GraphType; injectServiceNodes: boolean },
): void {
  const m = s.metric;
  // Kiali skips source telemetry with a namespace but neither workload nor app.
  if (ok(m.source_workload_namespace) && !ok(m.source_workload) && !ok(m.source_canonical_service)) return;
  const protocol = m.request_protocol ?? 'http';
  const code = kialiCode(protocol, m.response_code ?? '0', m.grpc_response_status);
  const flags = m.response_flags ?? '-';
  const host = m.destination_service ?? '';
  const { source, dest } = peers(m, options.graphType);
  const hash = [...PEER_LABELS.map((l) => m[l] ?? ''), code, flags, host].join('|');
  g.nodes.set(source.id, source);
  g.nodes.set(dest.id, dest);
  const svcName = m.destination_service_name ?? '';
  const inject =
    options.injectServiceNodes &&
    ok(svcName) &&
    svcName !== 'PassthroughCluster' &&
    dest.nodeType !== 'service';
  if (inject) {
    const svc = { id: `svc:${m.destination_service_namespace ?? ''}:${svcName}`, nodeType: 'service' };
    g.nodes.set(svc.id, svc);
    if (addEdgeTraffic(g, source.id, svc.id, protocol, code, flags, s.value, hash))
      addEdgeTraffic(g, svc.id, dest.id, protocol, code, flags, s.value, hash);
  } else addEdgeTraffic(g, source.id, dest.id, protocol, code, flags, s.value, hash);
}

function edgeOf(g: KialiGraph, source: string, target: string, protocol: string): KialiEdge {
  const key = `${source}->${target}:${protocol}`;
  let e = g.edges.get(key);
  if (!e) {
    e = {
      source,
      target,
      protocol,
      rps: 0,
      errorRps: 0,
      responses: {},
      mtlsPercent: 0,
      percentOfSource: 0,
      seen: new Set(),
    };
    g.edges.set(key, e);
  }
  return e;
}

function addEdgeTraffic(
  g: KialiGraph,
  source: string,
  target: string,
  protocol: string,
  code: string,
  flags: string,
  value: number,
  hash: string,
): boolean {
  const e = edgeOf(g, source, target, protocol);
  if (e.seen.has(hash)) return false;
  e.seen.add(hash);
  e.rps += value;
  if (isError(protocol, code)) e.errorRps += value;
  const byFlags = (e.responses[code] ??= {});
  byFlags[flags] = (byFlags[flags] ?? 0) + value;
  return true;
}

/** mTLS share per edge from the destination's reports (Kiali's security policy appender). */
function applySecurity(
  g: KialiGraph,
  series: Series[],
  options: { graphType: GraphType; injectServiceNodes: boolean },
): void {
  const totals = new Map<string, { all: number; mtls: number }>();
  const add = (key: string, v: number, mtls: boolean): void => {
    const t = totals.get(key) ?? { all: 0, mtls: 0 };
    t.all += v;
    if (mtls) t.mtls += v;
    totals.set(key, t);
  };
  for (const s of series) {
    const { source, dest } = peers(s.metric, options.graphType);
    const mtls = s.metric.connection_security_policy === 'mutual_tls';
    const svcName = s.metric.destination_service_name ?? '';
    if (options.injectServiceNodes && ok(svcName) && dest.nodeType !== 'service') {
      const svc = `svc:${s.metric.destination_service_namespace ?? ''}:${svcName}`;
      add(`${source.id}->${svc}`, s.value, mtls);
      add(`${svc}->${dest.id}`, s.value, mtls);
    } else add(`${source.id}->${dest.id}`, s.value, mtls);
  }
  for (const e of g.edges.values()) {
    const t = totals.get(`${e.source}->${e.target}`);
    e.mtlsPercent = t && t.all > 0 ? (t.mtls / t.all) * 100 : 0;
  }
}

/**
 * Kiali's service graph: workload nodes removed; a service's edges to workloads are replaced by
 * those workloads' edges to services; root workloads (nothing calls them) stay.
 */
function reduceToServiceGraph(g: KialiGraph): KialiGraph {
  const out: KialiGraph = { nodes: new Map(), edges: new Map() };
  const outgoing = new Map<string, KialiEdge[]>();
  const hasIncoming = new Set<string>();
  for (const e of g.edges.values()) {
    outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);
    hasIncoming.add(e.target);
  }
  const isService = (id: string): boolean =>
    g.nodes.get(id)?.nodeType === 'service' || id.startsWith('unknown-dest:');
  const copy = (source: string, e: KialiEdge): void => {
    out.nodes.set(source, g.nodes.get(source) ?? { id: source, nodeType: 'service' });
    out.nodes.set(e.target, g.nodes.get(e.target) ?? { id: e.target, nodeType: 'service' });
    const into = edgeOf(out, source, e.target, e.protocol);
    into.rps += e.rps;
    into.errorRps += e.errorRps;
    for (const [code, byFlags] of Object.entries(e.responses))
      for (const [flags, v] of Object.entries(byFlags)) {
        const m = (into.responses[code] ??= {});
        m[flags] = (m[flags] ?? 0) + v;
      }
    into.mtlsPercent = e.mtlsPercent;
  };
  for (const n of g.nodes.values()) {
    if (!isService(n.id)) {
      if (hasIncoming.has(n.id)) continue;
      for (const e of outgoing.get(n.id) ?? []) if (isService(e.target)) copy(n.id, e);
      continue;
    }
    out.nodes.set(n.id, n);
    for (const toWorkload of outgoing.get(n.id) ?? []) {
      if (isService(toWorkload.target)) {
        copy(n.id, toWorkload);
        continue;
      }
      for (const e of outgoing.get(toWorkload.target) ?? []) if (isService(e.target)) copy(n.id, e);
    }
  }
  return out;
}

function sharePerProtocol(g: KialiGraph): void {
  const totals = new Map<string, number>();
  for (const e of g.edges.values())
    totals.set(`${e.source}|${e.protocol}`, (totals.get(`${e.source}|${e.protocol}`) ?? 0) + e.rps);
  for (const e of g.edges.values()) {
    const t = totals.get(`${e.source}|${e.protocol}`) ?? 0;
    e.percentOfSource = t > 0 ? (e.rps / t) * 100 : 0;
  }
}
