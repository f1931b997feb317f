import { UNKNOWN_PEER } from '../metrics/istio';
import type { IstioMetrics, PeerLabels, SecurityPolicy, ServiceLabels } from '../metrics/istio';
import { endpointsOf, key, resolveService } from './mesh';
import type { MeshSnapshot, PodInfo, ServiceInfo, ServicePort } from './mesh';
import { chance, logNormal, poisson } from './random';
import type { Random } from './random';
import { connectionPoolLimits, LoadTracker, overflowProbability } from './circuitBreaker';
import { formatFlags } from './flags';
import type { ResponseFlag } from './flags';
import { httpToGrpcStatus, routeHttp, withDelayFlag } from './routing';
import type { HttpRequest, ResetReason, RetryPolicy, RouteDecision } from './routing';
import type { Call, Flow, Scenario } from './scenario';
import { hopSecurity } from './security';

/** What the calling application observes. `code` 0: no response (reset, refused, gave up). */
export interface CallResult {
  code: number;
  durationMs: number;
}

/** One attempt as the caller's proxy saw it. */
interface Attempt {
  code: number;
  grpcStatus: string;
  durationMs: number;
  responseBytes: number;
  flags: ResponseFlag[];
  /** The picked endpoint (undefined: none was picked). */
  server?: PodInfo;
  mtls: boolean;
}

function failedAttempt(durationMs: number, flags: ResponseFlag[], server: PodInfo | undefined): Attempt {
  return {
    code: 503,
    grpcStatus: '14',
    durationMs,
    responseBytes: 0,
    flags,
    mtls: false,
    ...(server ? { server } : {}),
  };
}

/** One server-side handling, possibly cut short when the client stopped waiting. */
interface Served {
  code: number;
  grpcStatus: string;
  durationMs: number;
  cut: boolean;
  responseBytes: number;
}

const MAX_DEPTH = 12;
/** Time the proxies add per hop. */
const PROXY_OVERHEAD_MS = 0.4;

/**
 * Runs requests through the mesh and records what each proxy would report. One instance lives
 * as long as the traffic engine; the snapshot is swapped when the cluster changes.
 */
export class Simulator {
  private snapshot: MeshSnapshot;
  private flows: Flow[];
  private readonly roundRobin = new Map<string, number>();
  /** Per client proxy and cluster: the load the circuit breakers see. */
  private readonly load = new LoadTracker();
  /** Each simulated request stands for this many (sampling keeps very large meshes affordable). */
  private weight = 1;
  /** Proxy hops simulated so far (for the sampling budget). */
  hops = 0;

  constructor(
    private readonly metrics: IstioMetrics,
    private readonly scenario: Scenario,
    private readonly random: Random,
    snapshot: MeshSnapshot,
    /**
     * Istio's PEER_METADATA_DISCOVERY: a server proxy names a caller without a proxy from its pod
     * IP instead of reporting `unknown` (off by default in sidecar mode, as in Istio).
     */
    private readonly peerMetadataDiscovery = false,
  ) {
    this.snapshot = snapshot;
    this.flows = scenario.flows(snapshot);
  }

  setSnapshot(snapshot: MeshSnapshot): void {
    this.snapshot = snapshot;
    this.metrics.resetLabelCache();
    this.flows = this.scenario.flows(snapshot);
  }

  setWeight(weight: number): void {
    this.weight = Math.max(1, Math.round(weight));
  }

  getWeight(): number {
    return this.weight;
  }

  /** Draws Poisson arrivals for every flow over `seconds` and simulates each request. */
  tick(seconds: number): number {
    let requests = 0;
    for (const flow of this.flows) {
      const workload = this.snapshot.workloads.get(flow.from);
      if (!workload) continue;
      const pods = workload.pods.filter((p) => p.ready);
      if (pods.length === 0) continue;
      const count = poisson(this.random, (flow.rps * seconds) / this.weight);
      for (let i = 0; i < count; i++) {
        const pod = this.pick(`flow|${flow.from}`, pods);
        requests++;
        if (flow.request) {
          this.callFromApp(pod, flow.request(this.random), 0);
        } else {
          const handling = this.scenario.handle(
            workload,
            { host: '', method: 'GET', path: '/', headers: {} },
            this.random,
          );
          for (const call of handling.calls) this.callFromApp(pod, call, 1);
        }
      }
    }
    this.load.endTick(seconds);
    return requests;
  }

  private pick<T>(rrKey: string, items: T[]): T {
    const n = this.roundRobin.get(rrKey) ?? 0;
    this.roundRobin.set(rrKey, n + 1);
    if (this.roundRobin.size > 200_000) this.roundRobin.clear();
    return items[n % items.length] as T;
  }

  /** An application call with its own timeout and retries (not Istio's). */
  callFromApp(client: PodInfo, call: Call, depth: number): CallResult {
    const tries = 1 + Math.max(0, Math.min(call.clientRetries ?? 0, 5));
    let total = 0;
    let result: CallResult = { code: 0, durationMs: 0 };
    for (let attempt = 0; attempt < tries; attempt++) {
      result = this.call(client, call, depth, call.clientTimeoutMs);
      total += result.durationMs;
      if (result.code !== 0 && result.code < 500) break;
    }
    return { code: result.code, durationMs: total };
  }

  /** One request from `client` as its proxy (or, without one, kube-proxy) carries it. */
  call(client: PodInfo, request: HttpRequest, depth: number, appTimeoutMs?: number): CallResult {
    if (depth > MAX_DEPTH) return { code: 0, durationMs: 0 };
    this.hops++;
    const service = resolveService(this.snapshot, request.host, client.namespace);
    const port = service?.ports.find((p) => p.port === request.port) ?? service?.ports[0];

    if (service && port?.protocol === 'tcp') return this.tcp(client, service, port);
    if (!client.hasProxy) return this.plain(client, service, port, request, depth, appTimeoutMs);

    const decision = routeHttp(
      this.snapshot,
      {
        namespace: client.namespace,
        labels: client.labels,
        ...(client.workload.isGateway ? { gatewayPod: client } : {}),
      },
      request,
      this.random,
    );
    if (decision.kind === 'unknown-host') return { code: 502, durationMs: 1 };
    const protocol =
      (decision.kind === 'forward' ? decision.port : port)?.protocol === 'grpc' ? 'grpc' : 'http';

    if (decision.kind === 'respond') {
      // Answered by the caller's proxy (abort, no route, no cluster, no healthy host): no upstream
      // host was picked, so the destination workload is unknown; the destination never sees it.
      const durationMs = decision.delayMs + this.overhead();
      const labels = decision.service?.labels ?? hostHeaderService(request, client);
      this.report('source', client, client.peer, UNKNOWN_PEER, labels, false, 'unknown', {
        protocol,
        // A local reply to a gRPC request is gRPC: HTTP 200 with the status in grpc-status.
        code: protocol === 'grpc' || decision.grpcStatus !== undefined ? 200 : decision.code,
        grpcStatus: protocol === 'grpc' ? String(decision.grpcStatus ?? httpToGrpcStatus(decision.code)) : '',
        flags: decision.flags,
        durationMs,
        requestBytes: requestSize(request),
        responseBytes: 0,
      });
      return { code: decision.code, durationMs };
    }

    for (const mirror of decision.mirrors) {
      if (!chance(this.random, mirror.percent)) continue;
      const server = this.pick(`mirror|${mirror.service.fqdn}`, mirror.endpoints);
      const sec = hopSecurity(this.snapshot, client, server, mirror.service, undefined, request.port);
      if (!sec.refused)
        this.serve(client, server, mirror.service, protocol, request, sec.mtls, Infinity, depth);
    }

    const final = this.attempts(client, decision, protocol, request, depth, appTimeoutMs);
    const durationMs = decision.delayMs + final.elapsedMs + this.overhead();
    this.report(
      'source',
      client,
      client.peer,
      final.server?.peer ?? UNKNOWN_PEER,
      decision.service.labels,
      final.mtls,
      'unknown',
      {
        protocol,
        code: protocol === 'grpc' && final.code !== 0 ? 200 : final.code,
        // No response at all (the app left): no grpc-status either.
        grpcStatus: protocol === 'grpc' && final.code !== 0 ? final.grpcStatus : '',
        flags: withDelayFlag(final.flags, decision.delayMs),
        durationMs,
        requestBytes: requestSize(request),
        responseBytes: final.responseBytes,
      },
    );
    return { code: final.code, durationMs };
  }

  /**
   * Envoy's router for a forwarded request: attempts with retries, the route timeout and the
   * per-try timeout, the circuit breaker. The route timeout's timer starts when the router gets
   * the request, after any injected delay (the fault filter runs first); the application's own
   * timeout runs from the start, delay included.
   */
  private attempts(
    client: PodInfo,
    decision: Extract<RouteDecision, { kind: 'forward' }>,
    protocol: 'http' | 'grpc',
    request: HttpRequest,
    depth: number,
    appTimeoutMs: number | undefined,
  ): Attempt & { elapsedMs: number } {
    const routeBudget = decision.timeoutMs ?? Infinity;
    const appBudget = (appTimeoutMs ?? Infinity) - decision.delayMs;
    const retries: RetryPolicy = decision.retries;
    const portNumber = decision.port?.port;
    const cluster = `${key(client.namespace, client.name)}|${decision.service.fqdn}|${portNumber ?? ''}|${decision.subset ?? ''}`;
    const limits = connectionPoolLimits(
      this.snapshot,
      decision.service,
      client.namespace,
      decision.subset,
      portNumber,
      protocol,
    );
    let elapsed = 0;
    let final: Attempt = failedAttempt(0, ['UH'], undefined);
    for (let attempt = 0; attempt <= retries.attempts; attempt++) {
      if (limits) {
        this.load.arrive(cluster, this.weight);
        if (chance(this.random, 100 * overflowProbability(this.load.offered(cluster), limits))) {
          // Overflow is never retried; the pool refuses before picking a connection to a host.
          final = failedAttempt(0.05, ['UO'], undefined);
          elapsed += final.durationMs;
          break;
        }
      }
      const server = this.pick(`${cluster}|rr`, decision.endpoints);
      const sec = hopSecurity(this.snapshot, client, server, decision.service, decision.subset, portNumber);
      const perTry = retries.perTryTimeoutMs ?? Infinity;
      const limit = Math.min(routeBudget - elapsed, appBudget - elapsed, perTry);
      let reset: ResetReason | undefined;
      if (sec.refused) {
        // The endpoint was picked, so Istio names its workload from the endpoint metadata.
        const flag = sec.failureFlag ?? 'UC';
        final = failedAttempt(1, [flag], server);
        reset = flag === 'UF' ? 'connect-failure' : 'connection-termination';
      } else {
        const served = this.serve(
          client,
          server,
          decision.service,
          protocol,
          request,
          sec.mtls,
          limit,
          depth,
        );
        final = { ...served, flags: [], server, mtls: sec.mtls };
        if (served.cut) {
          if (appBudget - elapsed <= Math.min(routeBudget - elapsed, perTry)) {
            // The application gave up first: its proxy sees the downstream go away.
            final = { ...final, code: 0, flags: [protocol === 'grpc' ? 'DR' : 'DC'] };
            elapsed += final.durationMs;
            break;
          }
          final = { ...final, code: 504, grpcStatus: String(httpToGrpcStatus(504)), flags: ['UT'] };
          // The route's own timeout ends the request; only a per-try timeout may be retried.
          if (routeBudget - elapsed <= perTry) {
            elapsed += final.durationMs;
            break;
          }
          reset = 'timeout';
        }
      }
      if (limits) this.load.hold(cluster, final.durationMs);
      elapsed += final.durationMs;
      const retriable =
        reset !== undefined
          ? retries.retriesReset(reset)
          : // A gRPC answer is HTTP 200 on the wire; its status is in grpc-status.
            retries.retriesResponse(
              protocol === 'grpc' ? 200 : final.code,
              protocol === 'grpc' ? Number(final.grpcStatus || '0') : undefined,
            );
      if (!retriable) break;
      if (attempt === retries.attempts) {
        // Envoy's UpstreamRetryLimitExceeded: the outcome was retriable but no retry was left.
        if (retries.attempts > 0) final.flags = [...final.flags, 'URX'];
        break;
      }
      if (elapsed >= Math.min(routeBudget, appBudget)) break;
    }
    return { ...final, elapsedMs: elapsed };
  }

  /** A caller without a proxy: kube-proxy picks an endpoint; no Istio config applies. */
  private plain(
    client: PodInfo,
    service: ServiceInfo | undefined,
    port: ServicePort | undefined,
    request: HttpRequest,
    depth: number,
    appTimeoutMs: number | undefined,
  ): CallResult {
    if (!service) return { code: 0, durationMs: 1 };
    const endpoints = endpointsOf(this.snapshot, service);
    if (endpoints.length === 0) return { code: 0, durationMs: 1 };
    const server = this.pick(`${key(client.namespace, client.name)}|${service.fqdn}`, endpoints);
    const sec = hopSecurity(this.snapshot, undefined, server, service, undefined, port?.port);
    // STRICT: the server's proxy resets the plaintext connection before any HTTP is read.
    if (sec.refused) return { code: 0, durationMs: 1 };
    const protocol = port?.protocol === 'grpc' ? 'grpc' : 'http';
    const served = this.serve(
      client,
      server,
      service,
      protocol,
      request,
      false,
      appTimeoutMs ?? Infinity,
      depth,
    );
    return { code: served.cut ? 0 : served.code, durationMs: served.durationMs + 0.1 };
  }

  /** The server side: its own work plus its downstream calls; reports as `destination`. */
  private serve(
    client: PodInfo,
    server: PodInfo,
    service: ServiceInfo,
    protocol: 'http' | 'grpc',
    request: HttpRequest,
    mtls: boolean,
    limitMs: number,
    depth: number,
  ): Served {
    const handling = this.scenario.handle(server.workload, request, this.random);
    const profile = handling.profile;
    let durationMs = logNormal(this.random, profile.medianMs, profile.sigma);
    for (const call of handling.calls) durationMs += this.callFromApp(server, call, depth + 1).durationMs;
    const failed = chance(this.random, profile.errorPercent);
    const code = failed ? profile.errorCode : (profile.okCode ?? 200);
    const grpcStatus = protocol === 'grpc' ? (failed ? '14' : '0') : '';
    const responseBytes = failed ? 120 : Math.round(logNormal(this.random, profile.responseBytes, 0.15));
    const cut = durationMs > limitMs;
    const reported = cut ? Math.max(limitMs, 0) : durationMs;
    if (server.hasProxy) {
      const sourcePeer = client.hasProxy || this.peerMetadataDiscovery ? client.peer : UNKNOWN_PEER;
      this.report(
        'destination',
        server,
        sourcePeer,
        server.peer,
        service.labels,
        mtls,
        mtls ? 'mutual_tls' : 'none',
        {
          protocol,
          code: cut ? 0 : protocol === 'grpc' ? 200 : code,
          grpcStatus: cut ? '' : grpcStatus,
          // The caller's proxy reset the stream: HTTP/1.1 between proxies closes the connection
          // (DC), HTTP/2 sends RST_STREAM (DR, Envoy's DownstreamRemoteReset).
          flags: cut ? (protocol === 'grpc' ? 'DR' : 'DC') : '-',
          durationMs: reported + 0.1,
          requestBytes: requestSize(request),
          responseBytes: cut ? 0 : responseBytes,
        },
      );
    }
    return { code: cut ? 0 : code, grpcStatus, durationMs: reported + PROXY_OVERHEAD_MS, cut, responseBytes };
  }

  /** A TCP connection per call (bookinfo's ratings-v2 → mongodb). */
  private tcp(client: PodInfo, service: ServiceInfo, port: ServicePort): CallResult {
    const endpoints = endpointsOf(this.snapshot, service);
    if (endpoints.length === 0) return { code: 0, durationMs: 1 };
    const server = this.pick(`${key(client.namespace, client.name)}|${service.fqdn}`, endpoints);
    const sec = hopSecurity(
      this.snapshot,
      client.hasProxy ? client : undefined,
      server,
      service,
      undefined,
      port.port,
    );
    // Istio counts bytes from each reporting proxy's downstream: for both reporters `received` is
    // the caller's request direction and `sent` the answer (istio/istio#32399; what a person calls
    // "sent by the client" is istio_tcp_received_bytes_total).
    const received = Math.round(logNormal(this.random, 300, 0.3));
    if (sec.refused) {
      // Envoy's tcp_proxy: a failed connect is UF, and with its single connect attempt spent, URX;
      // a connection the server closes after connecting (STRICT vs plaintext) carries no flag.
      // Only the caller's proxy saw a connection; it opened and closed with nothing sent back.
      if (client.hasProxy) {
        this.metrics.recordTcp({
          reporter: 'source',
          pod: client.reporter,
          source: client.peer,
          destination: server.peer,
          service: service.labels,
          mtls: false,
          security: 'unknown',
          flags: sec.failureFlag === 'UF' ? formatFlags(['UF', 'URX']) : '-',
          sentBytes: 0,
          receivedBytes: sec.failureFlag === 'UF' ? 0 : received,
          opened: 1,
          closed: 1,
          count: this.weight,
        });
      }
      return { code: 0, durationMs: 1 };
    }
    const sent = Math.round(logNormal(this.random, 900, 0.4));
    const durationMs = logNormal(this.random, 2, 0.4);
    const tcp = { sentBytes: sent, receivedBytes: received, opened: 1, closed: 1, count: this.weight };
    if (client.hasProxy) {
      this.metrics.recordTcp({
        reporter: 'source',
        pod: client.reporter,
        source: client.peer,
        destination: server.peer,
        service: service.labels,
        mtls: sec.mtls,
        security: 'unknown',
        flags: '-',
        ...tcp,
      });
    }
    if (server.hasProxy) {
      this.metrics.recordTcp({
        reporter: 'destination',
        pod: server.reporter,
        source: client.hasProxy || this.peerMetadataDiscovery ? client.peer : UNKNOWN_PEER,
        destination: server.peer,
        service: service.labels,
        mtls: sec.mtls,
        security: sec.mtls ? 'mutual_tls' : 'none',
        flags: '-',
        ...tcp,
      });
    }
    return { code: 200, durationMs };
  }

  private report(
    reporter: 'source' | 'destination',
    pod: PodInfo,
    source: PeerLabels,
    destination: PeerLabels,
    service: ServiceLabels,
    mtls: boolean,
    security: SecurityPolicy,
    outcome: {
      protocol: 'http' | 'grpc';
      code: number;
      grpcStatus: string;
      flags: string;
      durationMs: number;
      requestBytes: number;
      responseBytes: number;
    },
  ): void {
    this.metrics.recordHttp({
      reporter,
      pod: pod.reporter,
      source,
      destination,
      service,
      mtls,
      security,
      flags: outcome.flags,
      protocol: outcome.protocol,
      responseCode: outcome.code,
      grpcStatus: outcome.grpcStatus,
      durationMs: outcome.durationMs,
      requestBytes: outcome.requestBytes,
      responseBytes: outcome.responseBytes,
      // A unary call: one message each way when it succeeds; a failure is trailers-only (none back).
      ...(outcome.protocol === 'grpc'
        ? { requestMessages: 1, responseMessages: outcome.grpcStatus === '0' ? 1 : 0 }
        : {}),
      count: this.weight,
    });
  }

  private overhead(): number {
    return PROXY_OVERHEAD_MS * (0.5 + this.random.next());
  }
}

const hostServices = new Map<string, ServiceLabels>();
/**
 * Destination service labels when the request reached no cluster (no route, unknown cluster):
 * Istio's stats fall back to the Host header for destination_service and its name, and know no
 * namespace.
 */
function hostHeaderService(request: HttpRequest, client: PodInfo): ServiceLabels {
  const host =
    request.port === undefined ||
    request.port === 80 ||
    client.workload.isGateway ||
    request.host.includes(':')
      ? request.host
      : `${request.host}:${request.port}`;
  let labels = hostServices.get(host);
  if (!labels) {
    labels = { host, name: host, namespace: 'unknown' };
    if (hostServices.size > 1000) hostServices.clear();
    hostServices.set(host, labels);
  }
  return labels;
}

function requestSize(request: HttpRequest): number {
  let size = 60 + request.path.length + request.host.length;
  for (const [name, value] of Object.entries(request.headers)) size += name.length + value.length + 4;
  return size;
}
