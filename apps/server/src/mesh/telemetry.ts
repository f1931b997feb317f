import type {
  LatencySample,
  RequestSample,
  Reporter,
  SourcePeer,
  DestinationPeer,
  TcpSample,
  Telemetry,
} from './types';

/**
 * # Which proxy's report the graph believes
 *
 * Istio reports every request twice when both ends run a proxy: once from the caller's proxy
 * (`reporter="source"`) and once from the destination's (`reporter="destination"`). The two do
 * not always agree, and the graph must neither miss what only one saw nor count anything twice.
 *
 * 1. **A caller with a sidecar (gateways included): the caller's report**, for counts, response
 *    codes, `response_flags`, `grpc_response_status` and latency. Envoy's client-side outcomes
 *    exist only there, because the request never reached the destination or was cut short first:
 *    fault aborts (`FI`) and delays (`DI`), route timeouts (`UT`, 504), circuit-breaker overflow
 *    (`UO`), connection failures (`UF`, `URX`, `UC`), no route (`NR`). What the caller
 *    experienced is what the edge shows, so an injected delay raises the edge's p95 and a request
 *    the caller timed out counts as a 504 even when the destination later answered 200.
 * 2. **A caller without a sidecar** (`source_workload="unknown"`, or a workload outside the mesh):
 *    **the destination's report**, the only one there is.
 * 3. **mTLS share from the destination's report**: only the server side knows whether the
 *    connection was mutual TLS (the caller's proxy writes `connection_security_policy="unknown"`).
 * 4. **Nothing counted twice**: for each caller → service pair one report family is chosen (the
 *    caller's when it reported anything for the pair, else the destination's); the destination's
 *    report of a pair the caller also reported is kept apart, as the destination's view the side
 *    panel shows next to the caller's when they differ.
 *
 * Kiali (graph/telemetry/istio/istio.go) reaches nearly the same figures another way: it reads
 * both reports and keeps, per series (source, destination, code, flags, host), the destination's
 * when both have it and the caller's otherwise. The two agree on every series both proxies saw
 * alike and on every outcome only the caller saw; they differ where the proxies disagree about
 * the same request (the caller timed out, the destination answered 200 later): Kiali then counts
 * the request twice (as 200 and as 504), Sextant once, as the caller's 504.
 *
 * The pair is decided per metric family (requests, latency buckets, TCP), so a caller whose proxy
 * reports only some families still gets each figure from somewhere.
 */

interface Peers {
  reporter: Reporter;
  source: SourcePeer;
  destination: DestinationPeer;
}

/** Caller → service, the unit the reporter rule decides on. */
export const callerServiceKey = (s: { source: SourcePeer; destination: DestinationPeer }): string =>
  `${s.source.namespace}/${s.source.workload}>${s.destination.serviceNamespace}/${s.destination.service}`;

/** Caller → service → workload, reporter left out: joins latency series to request series. */
export const workloadKey = (s: { source: SourcePeer; destination: DestinationPeer }): string =>
  `${callerServiceKey(s)}>${s.destination.workloadNamespace}/${s.destination.workload}`;

/** Telemetry after the reporter rule. */
export interface SelectedTelemetry {
  /** One report per caller → service pair (the caller's when it has a sidecar). */
  requests: RequestSample[];
  latencies: LatencySample[];
  tcp: TcpSample[];
  /** Every destination-reported request: the mTLS share, and the destination's view. */
  destinationRequests: RequestSample[];
  /** Every destination-reported TCP sample, for the mTLS share of TCP edges. */
  destinationTcp: TcpSample[];
}

/** Keeps, per caller → service pair, the caller's report when it has one, else the destination's. */
export function chooseReports<T extends Peers>(samples: readonly T[]): T[] {
  const callerReported = new Set<string>();
  for (const s of samples) if (s.reporter === 'source') callerReported.add(callerServiceKey(s));
  return samples.filter((s) => (s.reporter === 'source' ? true : !callerReported.has(callerServiceKey(s))));
}

/** Applies the reporter rules above to one telemetry window. */
export function selectReports(telemetry: Telemetry): SelectedTelemetry {
  return {
    requests: chooseReports(telemetry.requests),
    latencies: chooseReports(telemetry.latencies),
    tcp: chooseReports(telemetry.tcp),
    destinationRequests: telemetry.requests.filter((s) => s.reporter === 'destination'),
    destinationTcp: telemetry.tcp.filter((s) => s.reporter === 'destination'),
  };
}

/** Keeps samples with either end in one of the namespaces. */
export const filterByNamespaces =
  (namespaces: Set<string>) =>
  (s: { source: SourcePeer; destination: DestinationPeer }): boolean =>
    namespaces.has(s.source.namespace) ||
    namespaces.has(s.destination.serviceNamespace) ||
    namespaces.has(s.destination.workloadNamespace);
