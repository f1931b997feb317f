import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  HistoryList,
  IstioObjectWithValidations,
  RollbackResponse,
  ServiceDetail,
  TrafficShiftResponse,
  WorkloadList,
  type Weights,
} from '@sextant/shared';
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
  shiftPreview: (ns: string, service: string, weights: Weights, resourceVersion: string | undefined) =>
    ['traffic-shift-preview', ns, service, weights, resourceVersion ?? null] as const,
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

const shiftPath = (ns: string, service: string, dryRun: boolean) =>
  `/namespaces/${enc(ns)}/services/${enc(service)}/traffic-shift${dryRun ? '?dryRun=true' : ''}`;

/**
 * The dry run of a shift: the YAML diff of exactly what Apply would change. Only asked for
 * weights that already passed `validateWeights`, so it never carries a form mistake.
 */
export function useTrafficShiftPreview(
  ns: string,
  service: string,
  weights: Weights,
  resourceVersion: string | undefined,
  enabled: boolean,
) {
  return useQuery({
    queryKey: routingKeys.shiftPreview(ns, service, weights, resourceVersion),
    queryFn: () =>
      apiSend('POST', shiftPath(ns, service, true), { weights, resourceVersion }, TrafficShiftResponse),
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

export function useTrafficShift(ns: string, service: string) {
  const invalidate = useInvalidateRouting();
  return useMutation({
    mutationFn: (body: { weights: Weights; resourceVersion?: string }) =>
      apiSend('POST', shiftPath(ns, service, false), body, TrafficShiftResponse),
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
