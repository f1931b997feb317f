/**
 * Envoy's `response_flags` (the `%RESPONSE_FLAGS%` of its access log, copied by Istio into the
 * `response_flags` metric label), in words a person on call can act on. Server and web share
 * this table so the graph's error rate and the side panel's explanations never disagree.
 */
export interface ResponseFlagInfo {
  /** A few words, e.g. "fault injected abort". */
  title: string;
  /** What happened and where to look. */
  detail: string;
  /**
   * The request failed because of what this flag says, whatever the response code: no upstream
   * answer (`UF`, `URX`, `UC`, `UH`, `NR`), cut short (`UT`, `DC`), refused (`UO`, `RL`).
   * `DI` (a delay was injected) alone is not a failure.
   */
  failure: boolean;
}

export const RESPONSE_FLAGS: Readonly<Record<string, ResponseFlagInfo>> = {
  FI: {
    title: 'fault injected abort',
    detail:
      'A VirtualService fault rule aborted the request in the caller’s proxy; the destination never saw it.',
    failure: true,
  },
  DI: {
    title: 'fault injected delay',
    detail: 'A VirtualService fault rule delayed the request in the caller’s proxy.',
    failure: false,
  },
  UT: {
    title: 'upstream request timeout',
    detail: 'The route timeout expired before the destination answered (Envoy returned 504).',
    failure: true,
  },
  UO: {
    title: 'circuit breaker overflow',
    detail: 'The DestinationRule connection pool was full, so the request was refused without being sent.',
    failure: true,
  },
  UF: {
    title: 'upstream connection failure',
    detail: 'The caller’s proxy could not connect to the destination.',
    failure: true,
  },
  URX: {
    title: 'retry limit exceeded',
    detail: 'Every retry (or connect attempt) failed; the last attempt’s outcome was returned.',
    failure: true,
  },
  UC: {
    title: 'upstream connection terminated',
    detail:
      'The destination closed the connection, e.g. a TLS mismatch such as a DestinationRule tls mode the destination does not accept.',
    failure: true,
  },
  UR: {
    title: 'upstream remote reset',
    detail: 'The destination reset the stream.',
    failure: true,
  },
  LR: {
    title: 'connection local reset',
    detail: 'The caller’s proxy reset the connection.',
    failure: true,
  },
  UH: {
    title: 'no healthy upstream',
    detail:
      'The destination service had no healthy endpoints (none running, or all ejected by outlier detection).',
    failure: true,
  },
  NR: {
    title: 'no route configured',
    detail:
      'No route matched the request, or it pointed at a missing subset or cluster; the request reached no workload.',
    failure: true,
  },
  NC: {
    title: 'upstream cluster not found',
    detail: 'The route named a cluster Envoy does not know.',
    failure: true,
  },
  DC: {
    title: 'downstream connection terminated',
    detail: 'The caller went away (or its own timeout fired) before the response came back.',
    failure: true,
  },
  RL: {
    title: 'rate limited',
    detail: 'A local or global rate limit refused the request (429).',
    failure: true,
  },
  UAEX: {
    title: 'unauthorized (external authorization)',
    detail: 'An external authorization service denied the request.',
    failure: true,
  },
  RLSE: {
    title: 'rate limit service error',
    detail: 'The rate limit service could not be reached.',
    failure: true,
  },
  SI: {
    title: 'stream idle timeout',
    detail: 'The stream was idle longer than its idle timeout.',
    failure: true,
  },
  UMSDR: {
    title: 'upstream max stream duration reached',
    detail: 'The stream lasted longer than its maximum duration.',
    failure: true,
  },
  DPE: {
    title: 'downstream protocol error',
    detail: 'The caller sent something Envoy could not parse.',
    failure: true,
  },
  UPE: {
    title: 'upstream protocol error',
    detail: 'The destination answered with something Envoy could not parse.',
    failure: true,
  },
  OM: {
    title: 'overload manager',
    detail: 'The proxy was overloaded and shed the request.',
    failure: true,
  },
  DF: {
    title: 'DNS resolution failed',
    detail: 'The destination host name could not be resolved.',
    failure: true,
  },
};

/** The individual flags of a label value: `"URX,UC"` → `["URX", "UC"]`; `"-"` → `[]`. */
export function splitFlags(flags: string): string[] {
  if (flags === '' || flags === '-') return [];
  return flags
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '' && f !== '-');
}

/** `"URX,UC"` → `"URX: retry limit exceeded; UC: upstream connection terminated"`; `"-"` → `"no flag"`. */
export function describeFlags(flags: string): string {
  const parts = splitFlags(flags);
  if (parts.length === 0) return 'no flag';
  return parts.map((f) => `${f}: ${RESPONSE_FLAGS[f]?.title ?? 'unknown Envoy flag'}`).join('; ');
}

/** Any of the flags says the request failed. */
export function hasFailureFlag(flags: string): boolean {
  return splitFlags(flags).some((f) => RESPONSE_FLAGS[f]?.failure ?? false);
}

/** What an outcome counts as for error rates and health. */
export type OutcomeClass = 'ok' | 'clientError' | 'serverError';

/**
 * Classifies one outcome as the graph counts it. Errors are 5xx, 4xx, no response at all (code
 * `0`, which Envoy writes for resets and connection failures), a failure flag whatever the code
 * (`UO`, `UF`, `URX`, `UC`, `DC`, …), and for gRPC any status but OK (`0`). 4xx (and gRPC's
 * caller-side statuses) stay apart from 5xx so health can apply its separate thresholds.
 */
export function classifyOutcome(o: {
  protocol: string;
  code: string;
  flags: string;
  grpcStatus?: string;
}): OutcomeClass {
  const code = o.code;
  if (code === '0' || code === '' || code === '-' || code.startsWith('5')) return 'serverError';
  if (code.startsWith('4')) return 'clientError';
  if (hasFailureFlag(o.flags)) return 'serverError';
  if (o.protocol === 'grpc' && o.grpcStatus !== undefined && o.grpcStatus !== '' && o.grpcStatus !== '0')
    return GRPC_CLIENT_STATUSES.has(o.grpcStatus) ? 'clientError' : 'serverError';
  return 'ok';
}

/**
 * gRPC statuses that, like HTTP 4xx, say the caller asked for something wrong (CANCELLED,
 * INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, FAILED_PRECONDITION,
 * OUT_OF_RANGE, UNAUTHENTICATED); the rest count with 5xx.
 */
const GRPC_CLIENT_STATUSES = new Set(['1', '3', '5', '6', '7', '9', '11', '16']);

/** gRPC status numbers by name, for the side panel. */
export const GRPC_STATUS_NAMES: Readonly<Record<string, string>> = {
  '0': 'OK',
  '1': 'CANCELLED',
  '2': 'UNKNOWN',
  '3': 'INVALID_ARGUMENT',
  '4': 'DEADLINE_EXCEEDED',
  '5': 'NOT_FOUND',
  '6': 'ALREADY_EXISTS',
  '7': 'PERMISSION_DENIED',
  '8': 'RESOURCE_EXHAUSTED',
  '9': 'FAILED_PRECONDITION',
  '10': 'ABORTED',
  '11': 'OUT_OF_RANGE',
  '12': 'UNIMPLEMENTED',
  '13': 'INTERNAL',
  '14': 'UNAVAILABLE',
  '15': 'DATA_LOSS',
  '16': 'UNAUTHENTICATED',
};
