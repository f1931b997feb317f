import { UNKNOWN_PEER } from '../metrics/istio';
import type { IstioMetrics, PeerLabels, SecurityPolicy, ServiceLabels } from '../metrics/istio';
import { endpointsOf, key, resolveService } from './mesh';
import type { MeshSnapshot, PodInfo, ServiceInfo, ServicePort } from './mesh';
import { chance, logNormal, poisson } from './random';
import type { Random } from './random';
import { routeHttp, withDelayFlag } from './routing';
import type { HttpRequest, RetryPolicy } from './routing';
import type { Call, Flow, Scenario } from './scenario';
import { hopSecurity } from './security';

/** What the calling application observes. `code` 0: no response (reset, refused, gave up). */
export interface CallResult {
  code: number;
  durationMs: number;
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
      const durationMs = decision.delayMs + this.overhead();
      const labels = decision.service?.labels ?? unknownService(request.host);
      this.report('source', client, client.peer, UNKNOWN_PEER, labels, false, 'unknown', {
        protocol,
        code: decision.grpcStatus !== undefined ? 200 : decision.code,
        grpcStatus: protocol === 'grpc' ? String(decision.grpcStatus ?? (decision.code >= 500 ? 14 : 0)) : '',
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

    // Envoy's budget: the route timeout covers every attempt; each attempt may have its own.
    const routeBudget = decision.timeoutMs ?? Infinity;
    const appBudget = appTimeoutMs ?? Infinity;
    let elapsed = decision.delayMs;
    let final: Served & { flags: string; server?: PodInfo; mtls: boolean } = {
      code: 503,
      grpcStatus: '',
      durationMs: 0,
      cut: false,
      responseBytes: 0,
      flags: '-',
      mtls: false,
    };
    const retries: RetryPolicy = decision.retries;
    for (let attempt = 0; attempt <= retries.attempts; attempt++) {
      const server = this.pick(
        `${key(client.namespace, client.name)}|${decision.service.fqdn}|${decision.subset ?? ''}`,
        decision.endpoints,
      );
      const sec = hopSecurity(this.snapshot, client, server, decision.service, decision.subset, port?.port);
      const limit = Math.min(routeBudget - elapsed, appBudget - elapsed, retries.perTryTimeoutMs ?? Infinity);
      if (sec.refused) {
        final = {
          code: 503,
          grpcStatus: '14',
          durationMs: 1,
          cut: false,
          responseBytes: 0,
          flags: sec.failureFlag ?? 'UC',
          server,
          mtls: false,
        };
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
        let flags = '-';
        let code = served.code;
        if (served.cut) {
          const byApp =
            appBudget - elapsed <= Math.min(routeBudget - elapsed, retries.perTryTimeoutMs ?? Infinity);
          code = byApp ? 0 : 504;
          flags = byApp ? 'DC' : 'UT';
        }
        final = { ...served, code, flags, server, mtls: sec.mtls };
      }
      elapsed += final.durationMs;
      // Envoy retries a per-try timeout only when one is set, and never once its own client left (DC).
      const retriable =
        final.flags === 'DC'
          ? false
          : final.code === 504
            ? final.flags === 'UT' && retries.perTryTimeoutMs !== undefined
            : retries.retryOn(final.code);
      if (!retriable || attempt === retries.attempts || elapsed >= Math.min(routeBudget, appBudget)) {
        if (retriable && attempt > 0 && attempt === retries.attempts)
          final.flags = final.flags === '-' ? 'URX' : `URX,${final.flags}`;
        break;
      }
    }

    const durationMs = elapsed + this.overhead();
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
        grpcStatus: protocol === 'grpc' ? final.grpcStatus || (final.code >= 500 ? '14' : '0') : '',
        flags: withDelayFlag(final.flags, decision.delayMs),
        durationMs,
        requestBytes: requestSize(request),
        responseBytes: final.responseBytes,
      },
    );
    return { code: final.code, durationMs };
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
          flags: cut ? 'DC' : '-',
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
    if (sec.refused) return { code: 0, durationMs: 1 };
    const received = Math.round(logNormal(this.random, 300, 0.3));
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
      count: this.weight,
    });
  }

  private overhead(): number {
    return PROXY_OVERHEAD_MS * (0.5 + this.random.next());
  }
}

const unknownServices = new Map<string, ServiceLabels>();
function unknownService(host: string): ServiceLabels {
  let labels = unknownServices.get(host);
  if (!labels) {
    labels = { host, name: host.split('.')[0] ?? host, namespace: 'unknown' };
    if (unknownServices.size > 1000) unknownServices.clear();
    unknownServices.set(host, labels);
  }
  return labels;
}

function requestSize(request: HttpRequest): number {
  let size = 60 + request.path.length + request.host.length;
  for (const [name, value] of Object.entries(request.headers)) size += name.length + value.length + 4;
  return size;
}
