import type { KubeObject } from '../cluster/types';
import { formatFlags } from './flags';
import type { ResponseFlag } from './flags';
import { chance } from './random';
import type { Random } from './random';
import {
  endpointsOf,
  fqdnOf,
  hostMatches,
  key,
  labelsMatch,
  resolveService,
  ROOT_NAMESPACE,
  CLUSTER_DOMAIN,
} from './mesh';
import type { MeshSnapshot, PodInfo, ServiceInfo, ServicePort } from './mesh';

/**
 * HTTP routing as the client-side Envoy applies Istio config: the first VirtualService for
 * the host, its `http` rules in order (first match wins), weighted destinations resolved through
 * DestinationRule subsets to pods, and the rule's fault, timeout, retries and mirror. Pure:
 * the random stream is passed in.
 */

export interface HttpRequest {
  /** The host the client addresses (short name, `name.ns`, FQDN, or an external Host header at a gateway). */
  host: string;
  port?: number;
  method: string;
  /** Path with optional query string. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export interface Caller {
  namespace: string;
  labels: Record<string, string>;
  /** Set when the caller is a gateway: gateway-bound VirtualServices apply instead of `mesh` ones. */
  gatewayPod?: PodInfo;
}

/**
 * Why an attempt ended without a response, in Envoy's terms: `connect-failure` (TCP or TLS
 * handshake failed: UF), `connection-termination` (connected, then closed before a response: UC),
 * `timeout` (per-try timeout: UT), `overflow` (circuit breaker: UO).
 */
export type ResetReason = 'connect-failure' | 'connection-termination' | 'timeout' | 'overflow';

export interface RetryPolicy {
  /** Extra attempts after the first (Istio's default is 2); 0: no retry policy at all. */
  attempts: number;
  perTryTimeoutMs?: number;
  /** Whether Envoy retries an answer (HTTP status; gRPC status for gRPC, else undefined). */
  retriesResponse: (code: number, grpcStatus?: number) => boolean;
  /** Whether Envoy retries an attempt that ended without an answer. */
  retriesReset: (reason: ResetReason) => boolean;
}

export interface MirrorTarget {
  service: ServiceInfo;
  endpoints: PodInfo[];
  percent: number;
}

export type RouteDecision =
  | {
      kind: 'forward';
      service: ServiceInfo;
      port: ServicePort | undefined;
      subset?: string;
      /** Candidate pods; the caller balances over them. */
      endpoints: PodInfo[];
      /** Injected delay (fault.delay), 0 when none; response_flags gets DI when > 0. */
      delayMs: number;
      timeoutMs?: number;
      retries: RetryPolicy;
      mirrors: MirrorTarget[];
      /** The VirtualService that decided, `namespace/name`. */
      virtualService?: string;
    }
  | {
      /** Answered by the client proxy itself: abort fault, no route, no cluster, no healthy upstream. */
      kind: 'respond';
      service: ServiceInfo | undefined;
      code: number;
      grpcStatus?: number;
      flags: string;
      delayMs: number;
    }
  | { kind: 'unknown-host' };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Protobuf duration strings as Istio accepts them: `7s`, `0.5s`, `100ms`, `1m`, `1h`, `10us`. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2];
  const factor: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  return amount * (factor[unit ?? 's'] ?? 1000);
}

/** Istio's `Percent` (`{ value: 12.5 }`) or the legacy integer `percent`; absent → 100. */
function percentOf(fault: Record<string, unknown>): number {
  const percentage = record(fault.percentage);
  if (typeof percentage.value === 'number') return percentage.value;
  if (typeof fault.percent === 'number') return fault.percent;
  return 100;
}

const regexCache = new Map<string, RegExp | null>();
function fullMatch(pattern: string, value: string): boolean {
  let compiled = regexCache.get(pattern);
  if (compiled === undefined) {
    try {
      // Envoy uses RE2 with full-string matching.
      compiled = new RegExp(`^(?:${pattern})$`);
    } catch {
      compiled = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, compiled);
  }
  return compiled !== null && compiled.test(value);
}

/** Istio StringMatch: exact | prefix | regex; an empty match means "present". */
export function stringMatches(matcher: unknown, value: string | undefined, ignoreCase = false): boolean {
  const m = record(matcher);
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  const exact = str(m.exact);
  if (exact !== undefined) return v === (ignoreCase ? exact.toLowerCase() : exact);
  const prefix = str(m.prefix);
  if (prefix !== undefined) return v.startsWith(ignoreCase ? prefix.toLowerCase() : prefix);
  const regex = str(m.regex);
  if (regex !== undefined) return fullMatch(regex, value);
  return true;
}

function queryParams(path: string): Record<string, string> {
  const index = path.indexOf('?');
  if (index < 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(path.slice(index + 1))) out[k] = v;
  return out;
}

/** One HTTPMatchRequest: every condition present must hold. */
export function matchesRequest(
  match: unknown,
  request: HttpRequest,
  caller: Caller,
  gatewayNames: string[],
): boolean {
  const m = record(match);
  const path = request.path.split('?')[0] ?? request.path;
  if (m.uri !== undefined && !stringMatches(m.uri, path, m.ignoreUriCase === true)) return false;
  if (m.method !== undefined && !stringMatches(m.method, request.method)) return false;
  if (m.authority !== undefined && !stringMatches(m.authority, request.host)) return false;
  if (m.scheme !== undefined && !stringMatches(m.scheme, 'http')) return false;
  for (const [name, matcher] of Object.entries(record(m.headers))) {
    if (!stringMatches(matcher, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, matcher] of Object.entries(record(m.withoutHeaders))) {
    if (stringMatches(matcher, request.headers[name.toLowerCase()])) return false;
  }
  const query = m.queryParams !== undefined ? queryParams(request.path) : {};
  for (const [name, matcher] of Object.entries(record(m.queryParams))) {
    if (!stringMatches(matcher, query[name])) return false;
  }
  if (typeof m.port === 'number' && request.port !== undefined && m.port !== request.port) return false;
  if (m.sourceLabels !== undefined && !labelsMatch(stringRecordOf(m.sourceLabels), caller.labels))
    return false;
  if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== caller.namespace) return false;
  if (
    Array.isArray(m.gateways) &&
    !m.gateways.some((g) => typeof g === 'string' && gatewayNames.includes(g))
  ) {
    return false;
  }
  return true;
}

function stringRecordOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Names (`name`, `ns/name`) under which the caller's gateway is referenced, or `mesh` for sidecars. */
function contextNames(snapshot: MeshSnapshot, caller: Caller): string[] {
  if (!caller.gatewayPod) return ['mesh'];
  const names: string[] = [];
  for (const gw of snapshot.gateways) {
    const selector = stringRecordOf(record(gw.spec).selector);
    if (!labelsMatch(selector, caller.gatewayPod.labels)) continue;
    names.push(`${gw.metadata.namespace ?? 'default'}/${gw.metadata.name}`);
  }
  return names;
}

function appliesToContext(vs: KubeObject, names: string[]): boolean {
  const gateways = array(record(vs.spec).gateways).filter((g): g is string => typeof g === 'string');
  const vsNamespace = vs.metadata.namespace ?? 'default';
  if (gateways.length === 0) return names.includes('mesh');
  return gateways.some((g) => names.includes(g === 'mesh' || g.includes('/') ? g : `${vsNamespace}/${g}`));
}

/** The oldest VirtualService bound to the caller's context whose hosts cover the request. */
export function findVirtualService(
  snapshot: MeshSnapshot,
  caller: Caller,
  fqdn: string | undefined,
  rawHost: string,
): { vs: KubeObject; contextNames: string[] } | undefined {
  const names = contextNames(snapshot, caller);
  for (const vs of snapshot.virtualServices) {
    if (!appliesToContext(vs, names)) continue;
    const vsNamespace = vs.metadata.namespace ?? 'default';
    const hosts = array(record(vs.spec).hosts).filter((h): h is string => typeof h === 'string');
    const hit = hosts.some((h) => {
      const pattern = fqdnOf(h, vsNamespace);
      if (fqdn !== undefined && hostMatches(pattern, fqdn)) return true;
      // A gateway (or a host that is no service) matches the Host header itself: `*`, bookinfo.example.com.
      return (
        (caller.gatewayPod !== undefined || fqdn === undefined) &&
        hostMatches(h, rawHost.replace(/:\d+$/, ''))
      );
    });
    if (hit) return { vs, contextNames: names };
  }
  return undefined;
}

/** DestinationRule precedence: the client's namespace, then the service's, then the root namespace. */
export function findDestinationRule(
  snapshot: MeshSnapshot,
  service: ServiceInfo,
  callerNamespace: string,
): KubeObject | undefined {
  const candidates = snapshot.destinationRules.filter((dr) => {
    const host = str(record(dr.spec).host);
    return host !== undefined && hostMatches(fqdnOf(host, dr.metadata.namespace ?? 'default'), service.fqdn);
  });
  for (const ns of [callerNamespace, service.namespace, ROOT_NAMESPACE]) {
    const found = candidates.find((dr) => dr.metadata.namespace === ns);
    if (found) return found;
  }
  return candidates[0];
}

export function subsetLabels(dr: KubeObject | undefined, subset: string): Record<string, string> | undefined {
  if (!dr) return undefined;
  const found = array(record(dr.spec).subsets)
    .map(record)
    .find((s) => s.name === subset);
  return found ? stringRecordOf(found.labels) : undefined;
}

function serviceByFqdn(snapshot: MeshSnapshot, fqdn: string): ServiceInfo | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const [name, namespace] = fqdn.slice(0, -suffix.length).split('.');
  return name && namespace ? snapshot.services.get(key(namespace, name)) : undefined;
}

function pickWeighted<T>(items: { item: T; weight: number }[], random: Random): T | undefined {
  const total = items.reduce((sum, i) => sum + Math.max(0, i.weight), 0);
  if (total <= 0) return items[0]?.item;
  let point = random.next() * total;
  for (const { item, weight } of items) {
    if (weight <= 0) continue;
    point -= weight;
    if (point < 0) return item;
  }
  return items[items.length - 1]?.item;
}

/** Istio's retryOn when a route says nothing (pilot's default retry policy). */
const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

const GRPC_RETRY_ON: Record<string, number> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  unavailable: 14,
  internal: 13,
};

/**
 * Envoy's retry decision (router/retry_state_impl.cc) for an Istio retryOn string. `5xx` and
 * `gateway-error` also retry resets and per-try timeouts; `connect-failure` only failed
 * connections (UF), so a connection closed by a STRICT server (UC) or a per-try timeout is not
 * retried under Istio's default; an overflow (UO) is never retried.
 */
function envoyRetryPolicy(
  attempts: number,
  retryOn: string,
  statusCodes: number[],
  perTryTimeoutMs: number | undefined,
): RetryPolicy {
  const conditions = new Set(
    retryOn
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c.length > 0),
  );
  const grpcStatuses = new Set(
    [...conditions].map((c) => GRPC_RETRY_ON[c]).filter((c): c is number => c !== undefined),
  );
  const anyReset = conditions.has('5xx') || conditions.has('gateway-error') || conditions.has('reset');
  return {
    attempts,
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    retriesResponse: (code, grpcStatus) => {
      if (conditions.has('5xx') && code >= 500 && code < 600) return true;
      if (conditions.has('gateway-error') && (code === 502 || code === 503 || code === 504)) return true;
      if (conditions.has('retriable-4xx') && code === 409) return true;
      if (conditions.has('retriable-status-codes') && statusCodes.includes(code)) return true;
      return grpcStatus !== undefined && grpcStatuses.has(grpcStatus);
    },
    retriesReset: (reason) => {
      if (reason === 'overflow') return false;
      if (anyReset) return true;
      return reason === 'connect-failure' && conditions.has('connect-failure');
    },
  };
}

/** Istio's default when a route has no `retries`: 2 retries, retriable status 503. */
export const DEFAULT_RETRIES: RetryPolicy = envoyRetryPolicy(2, ISTIO_DEFAULT_RETRY_ON, [503], undefined);

/**
 * A VirtualService `retries` block as istiod translates it: `attempts: 0` disables retries
 * (no policy, so no URX either); a `retryOn` replaces the default conditions, and numbers in it
 * become retriable status codes.
 */
export function retryPolicy(raw: unknown): RetryPolicy {
  if (raw === undefined) return DEFAULT_RETRIES;
  const r = record(raw);
  const attempts = typeof r.attempts === 'number' ? Math.max(0, Math.floor(r.attempts)) : 2;
  const perTry = parseDuration(r.perTryTimeout);
  const given = str(r.retryOn);
  if (given === undefined) return envoyRetryPolicy(attempts, ISTIO_DEFAULT_RETRY_ON, [503], perTry);
  const parts = given.split(',').map((c) => c.trim());
  const codes = parts.filter((c) => /^\d+$/.test(c)).map(Number);
  const names = parts.filter((c) => !/^\d+$/.test(c));
  if (codes.length > 0) names.push('retriable-status-codes');
  return envoyRetryPolicy(attempts, names.join(','), codes, perTry);
}

interface ResolvedDestination {
  service: ServiceInfo;
  port: ServicePort | undefined;
  subset?: string;
  endpoints: PodInfo[];
}

/**
 * Destination → service + pods, or a flag-carrying failure. istiod writes a route to
 * `outbound|port|subset|host` without checking that the cluster exists, so a destination whose
 * host is no service or whose subset no DestinationRule defines reaches Envoy's router as an
 * unknown cluster: 503 with `NC` (NoClusterFound; Envoy ≥ 1.19, so every Istio 1.2x; older Envoy
 * said NR). No cluster also means no cluster metadata, so Istio's stats fall back to the Host
 * header for destination_service. A cluster without endpoints answers 503 `UH`.
 */
function resolveDestination(
  snapshot: MeshSnapshot,
  destination: unknown,
  vsNamespace: string,
  callerNamespace: string,
  requestPort: number | undefined,
): ResolvedDestination | { failure: 'NC' | 'UH'; service?: ServiceInfo } {
  const d = record(destination);
  const host = str(d.host);
  if (!host) return { failure: 'NC' };
  const service = serviceByFqdn(snapshot, fqdnOf(host, vsNamespace));
  if (!service) return { failure: 'NC' };
  const portNumber =
    typeof record(d.port).number === 'number' ? (record(d.port).number as number) : requestPort;
  const port = service.ports.find((p) => p.port === portNumber) ?? service.ports[0];
  const subset = str(d.subset);
  let labels: Record<string, string> | undefined;
  if (subset !== undefined) {
    labels = subsetLabels(findDestinationRule(snapshot, service, callerNamespace), subset);
    if (!labels) return { failure: 'NC' };
  }
  const endpoints = endpointsOf(snapshot, service, labels);
  if (endpoints.length === 0) return { failure: 'UH', service };
  return { service, port, ...(subset !== undefined ? { subset } : {}), endpoints };
}

/**
 * Decides what the caller's proxy does with a request. Callers without a proxy must not use
 * this (kube-proxy ignores Istio config); use `endpointsOf` directly.
 */
export function routeHttp(
  snapshot: MeshSnapshot,
  caller: Caller,
  request: HttpRequest,
  random: Random,
): RouteDecision {
  const target = resolveService(snapshot, request.host, caller.namespace);
  const found = findVirtualService(snapshot, caller, target?.fqdn, request.host);
  if (!found) {
    if (!target) return caller.gatewayPod ? respond(undefined, 404, 'NR', 0) : { kind: 'unknown-host' };
    const port = target.ports.find((p) => p.port === request.port) ?? target.ports[0];
    const endpoints = endpointsOf(snapshot, target);
    if (endpoints.length === 0) return respond(target, 503, 'UH', 0);
    return {
      kind: 'forward',
      service: target,
      port,
      endpoints,
      delayMs: 0,
      retries: DEFAULT_RETRIES,
      mirrors: [],
    };
  }

  const { vs, contextNames: names } = found;
  const vsNamespace = vs.metadata.namespace ?? 'default';
  const vsName = key(vsNamespace, vs.metadata.name);
  const rules = array(record(vs.spec).http).map(record);
  const rule = rules.find((r) => {
    const matches = array(r.match);
    return matches.length === 0 || matches.some((m) => matchesRequest(m, request, caller, names));
  });
  // No route, or a route without a cluster: no cluster metadata, so the Host header names the destination.
  if (!rule) return respond(undefined, 404, 'NR', 0);

  const directResponse = record(rule.directResponse);
  if (typeof directResponse.status === 'number') return respond(undefined, directResponse.status, '-', 0);

  const fault = record(rule.fault);
  const delay = record(fault.delay);
  const delayMs =
    Object.keys(delay).length > 0 && chance(random, percentOf(delay))
      ? (parseDuration(delay.fixedDelay) ?? parseDuration(delay.exponentialDelay) ?? 0)
      : 0;

  const routes = array(rule.route).map(record);
  const chosen = pickWeighted(
    routes.map((r) => ({
      item: r,
      weight: typeof r.weight === 'number' ? r.weight : routes.length === 1 ? 100 : 0,
    })),
    random,
  );
  const resolved = resolveDestination(
    snapshot,
    chosen?.destination,
    vsNamespace,
    caller.namespace,
    request.port,
  );
  // The connection manager resolves the route's cluster before any filter runs, so even an
  // aborted request carries its destination service (but no workload: no host was picked).
  const service = resolved.service;

  const abort = record(fault.abort);
  if (Object.keys(abort).length > 0 && chance(random, percentOf(abort))) {
    const grpcStatus = str(abort.grpcStatus);
    if (grpcStatus !== undefined) {
      return {
        kind: 'respond',
        service,
        code: 200,
        grpcStatus: grpcCode(grpcStatus),
        flags: withDelayFlag(['FI'], delayMs),
        delayMs,
      };
    }
    const code = typeof abort.httpStatus === 'number' ? abort.httpStatus : 503;
    return respond(service, code, withDelayFlag(['FI'], delayMs), delayMs);
  }

  if ('failure' in resolved)
    return respond(service, 503, withDelayFlag([resolved.failure], delayMs), delayMs);

  const mirrors: MirrorTarget[] = [];
  const mirrorSpecs = [
    ...(rule.mirror !== undefined ? [{ destination: rule.mirror, percentage: rule.mirrorPercentage }] : []),
    ...array(rule.mirrors).map(record),
  ];
  for (const spec of mirrorSpecs) {
    const m = resolveDestination(snapshot, spec.destination, vsNamespace, caller.namespace, request.port);
    if ('failure' in m) continue;
    const pct = record(spec.percentage).value;
    mirrors.push({
      service: m.service,
      endpoints: m.endpoints,
      percent: typeof pct === 'number' ? pct : 100,
    });
  }

  const timeoutMs = parseDuration(rule.timeout);
  return {
    kind: 'forward',
    service: resolved.service,
    port: resolved.port,
    ...(resolved.subset !== undefined ? { subset: resolved.subset } : {}),
    endpoints: resolved.endpoints,
    delayMs,
    ...(timeoutMs !== undefined && timeoutMs > 0 ? { timeoutMs } : {}),
    retries: retryPolicy(rule.retries),
    mirrors,
    virtualService: vsName,
  };
}

function respond(
  service: ServiceInfo | undefined,
  code: number,
  flags: string,
  delayMs: number,
): RouteDecision {
  return { kind: 'respond', service, code, flags, delayMs };
}

/** The response_flags value: DI joins any other outcome of a delayed request, in Envoy's order. */
export function withDelayFlag(flags: ResponseFlag[], delayMs: number): string {
  return formatFlags(delayMs > 0 ? [...flags, 'DI'] : flags);
}

const GRPC_CODES: Record<string, number> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

export function grpcCode(name: string): number {
  return GRPC_CODES[name.toUpperCase()] ?? (Number.isInteger(Number(name)) ? Number(name) : 2);
}

/**
 * The gRPC status Envoy puts in a local reply to a gRPC request (it answers HTTP 200 with
 * `grpc-status`), mapped from the HTTP status it would have sent, as the gRPC spec maps them.
 */
export function httpToGrpcStatus(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}
