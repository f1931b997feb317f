import { queryOptions } from '@tanstack/react-query';
import { GraphResponse, ServerStatus, type GraphType } from '@sextant/shared';
import { apiGet } from './client';
import { AuthInfo, NamespaceList } from './schemas';

/** What `GET /api/graph` is asked; the query key is built from exactly these fields. */
export interface GraphRequest {
  namespaces: readonly string[];
  graphType: GraphType;
  /** Window, e.g. `60s`, `5m`, `1h`. */
  duration: string;
  idleNodes: boolean;
  injectServiceNodes: boolean;
}

/**
 * Every react-query key of the app, in one place, so SSE events and mutations invalidate by
 * prefix (`queryKeys.graphAll`) without guessing strings.
 */
export const queryKeys = {
  namespaces: ['namespaces'] as const,
  authInfo: ['auth', 'info'] as const,
  graphAll: ['graph'] as const,
  graph: (request: GraphRequest) => ['graph', request] as const,
  serverStatus: ['status'] as const,
};

/** How often the app asks whether its data is current (informers, Prometheus). */
export const STATUS_POLL_MS = 5_000;

export function graphSearch(request: GraphRequest): string {
  const params = new URLSearchParams({
    namespaces: request.namespaces.join(','),
    graphType: request.graphType,
    duration: request.duration,
    idleNodes: String(request.idleNodes),
    injectServiceNodes: String(request.injectServiceNodes),
  });
  return params.toString();
}

export function namespacesQuery() {
  return queryOptions({
    queryKey: queryKeys.namespaces,
    queryFn: ({ signal }) => apiGet('/namespaces', NamespaceList, signal),
    staleTime: 30_000,
  });
}

export function authInfoQuery() {
  return queryOptions({
    queryKey: queryKeys.authInfo,
    queryFn: ({ signal }) => apiGet('/auth/info', AuthInfo, signal),
    staleTime: 5 * 60_000,
  });
}

/** `refetchIntervalMs` false: refresh only on demand or when a server event invalidates the key. */
export function graphQuery(request: GraphRequest, refetchIntervalMs: number | false) {
  return queryOptions({
    queryKey: queryKeys.graph(request),
    queryFn: ({ signal }) => apiGet(`/graph?${graphSearch(request)}`, GraphResponse, signal),
    enabled: request.namespaces.length > 0,
    refetchInterval: refetchIntervalMs,
    // Keep drawing the previous graph while the next one loads: the canvas must not flash empty.
    placeholderData: (previous) => previous,
  });
}

/**
 * `GET /api/status`, polled so the stale-data banner comes and goes by itself. No retries: a
 * failed poll is itself the news (the server is not answering), and the next poll comes soon.
 */
export function serverStatusQuery() {
  return queryOptions({
    queryKey: queryKeys.serverStatus,
    queryFn: ({ signal }) => apiGet('/status', ServerStatus, signal),
    refetchInterval: STATUS_POLL_MS,
    refetchIntervalInBackground: false,
    retry: false,
  });
}
