import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  HistoryList,
  IstioObjectWithValidations,
  RollbackResponse,
  ServiceDetail,
  TrafficShiftResponse,
  WorkloadList,
} from '@sextant/shared';
import { ApiError } from './ApiError';
import { apiGet, apiSend } from './client';
import { queryKeys } from './queries';

/** Keys of the service page and the routing forms; prefixes so one apply invalidates them all. */
export const routingKeys = {
  service: (ns: string, name: string) => ['service', ns, name] as const,
  workloads: (ns: string) => ['workloads', ns] as const,
  istioObject: (ns: string, resource: string, name: string) => ['istio', ns, resource, name] as const,
  istioAll: ['istio'] as const,
  history: (ns: string, service: string) => ['history', ns, service] as const,
  historyAll: ['history'] as const,
  preview: (kind: string, ns: string, service: string, body: object) =>
    ['routing-preview', kind, ns, service, body] as const,
};

const enc = encodeURIComponent;

export function serviceQuery(ns: string, name: string) {
  return queryOptions({
    queryKey: routingKeys.service(ns, name),
    queryFn: ({ signal }) => apiGet(`/services/${enc(ns)}/${enc(name)}`, ServiceDetail, signal),
  });
}

export function workloadsQuery(ns: string) {
  return queryOptions({
    queryKey: routingKeys.workloads(ns),
    queryFn: ({ signal }) => apiGet(`/workloads?namespace=${enc(ns)}`, WorkloadList, signal),
  });
}

export function istioObjectQuery(ns: string, resource: string, name: string | undefined) {
  return queryOptions({
    queryKey: routingKeys.istioObject(ns, resource, name ?? ''),
    queryFn: ({ signal }) =>
      apiGet(`/istio/${enc(ns)}/${enc(resource)}/${enc(name ?? '')}`, IstioObjectWithValidations, signal),
    enabled: name !== undefined,
  });
}

export function historyQuery(ns: string, service: string) {
  return queryOptions({
    queryKey: routingKeys.history(ns, service),
    queryFn: ({ signal }) =>
      apiGet(`/history?namespace=${enc(ns)}&service=${enc(service)}`, HistoryList, signal),
  });
}

/** The service-level routing changes, each `POST /namespaces/:ns/services/:svc/<kind>`. */
export type RoutingChangeKind = 'traffic-shift' | 'route-policy' | 'destination-policy' | 'request-routing';

const changePath = (kind: RoutingChangeKind, ns: string, service: string, dryRun: boolean) =>
  `/namespaces/${enc(ns)}/services/${enc(service)}/${kind}${dryRun ? '?dryRun=true' : ''}`;

/**
 * The dry run of a change: the YAML diff of exactly what Apply would write. Only asked for a body
 * that already passed the shared validation, so it never carries a form mistake.
 */
export function useRoutingPreview<B extends { resourceVersion?: string }>(
  kind: RoutingChangeKind,
  ns: string,
  service: string,
  body: B,
  enabled: boolean,
) {
  return useQuery({
    queryKey: routingKeys.preview(kind, ns, service, body),
    queryFn: () => apiSend('POST', changePath(kind, ns, service, true), body, TrafficShiftResponse),
    enabled,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

/** After a change, everything that shows routing is stale: the graph (configured weights) first. */
function useInvalidateRouting() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.graphAll }),
      client.invalidateQueries({ queryKey: ['service'] }),
      client.invalidateQueries({ queryKey: routingKeys.istioAll }),
      client.invalidateQueries({ queryKey: routingKeys.historyAll }),
    ]);
}

export function useRoutingChange<B extends { resourceVersion?: string }>(
  kind: RoutingChangeKind,
  ns: string,
  service: string,
) {
  const invalidate = useInvalidateRouting();
  return useMutation({
    mutationFn: (body: B) =>
      apiSend('POST', changePath(kind, ns, service, false), body, TrafficShiftResponse),
    onSuccess: invalidate,
  });
}

/** Deletes the service's VirtualService, if it is still at `resourceVersion`. */
export function useRemoveRouting(ns: string, service: string) {
  const invalidate = useInvalidateRouting();
  return useMutation({
    mutationFn: (resourceVersion: string | undefined) =>
      apiSend(
        'DELETE',
        `/namespaces/${enc(ns)}/services/${enc(service)}/routing${resourceVersion ? `?resourceVersion=${enc(resourceVersion)}` : ''}`,
        undefined,
        TrafficShiftResponse,
      ),
    onSuccess: invalidate,
  });
}

export function useRollback() {
  const invalidate = useInvalidateRouting();
  return useMutation({
    mutationFn: (id: string) => apiSend('POST', `/history/${enc(id)}/rollback`, undefined, RollbackResponse),
    onSuccess: invalidate,
  });
}

const peerAuthPath = (ns: string, dryRun: boolean) =>
  `/namespaces/${enc(ns)}/peer-authentication${dryRun ? '?dryRun=true' : ''}`;

/** The dry run of a PeerAuthentication mode change (a namespace-level change, not a service's). */
export function usePeerAuthenticationPreview(ns: string, body: object, enabled: boolean) {
  return useQuery({
    queryKey: routingKeys.preview('peer-authentication', ns, '', body),
    queryFn: () => apiSend('POST', peerAuthPath(ns, true), body, TrafficShiftResponse),
    enabled,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

export function usePeerAuthenticationChange<B extends { resourceVersion?: string }>(ns: string) {
  const invalidate = useInvalidateRouting();
  return useMutation({
    mutationFn: (body: B) => apiSend('POST', peerAuthPath(ns, false), body, TrafficShiftResponse),
    onSuccess: invalidate,
  });
}

/**
 * One Istio object, or null when there is none (a 404 is an answer here, not an error), so a
 * refetch after a change keeps the form mounted instead of passing through "loading".
 */
export function istioObjectOrNullQuery(ns: string, resource: string, name: string) {
  return queryOptions({
    queryKey: [...routingKeys.istioObject(ns, resource, name), 'or-null'] as const,
    queryFn: async ({ signal }) => {
      try {
        return await apiGet(
          `/istio/${enc(ns)}/${enc(resource)}/${enc(name)}`,
          IstioObjectWithValidations,
          signal,
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}
