import { defaultHttpRoute, routeSendsToService, type Weights } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import type { IstioObject, ServiceInfo, WorkloadInfo } from '../types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const asRecords = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const nsOf = (o: IstioObject): string => o.metadata.namespace ?? 'default';

const ISTIO_API = 'networking.istio.io/v1';

/** A DestinationRule subset the shift may route to. */
export interface SubsetDef {
  name: string;
  labels: Record<string, string>;
}

/**
 * The subsets a shift can name: those of the DestinationRule when it has any, else one per
 * `version` label of the workloads behind the service (what the shift will create).
 */
export function availableSubsets(
  destinationRule: IstioObject | undefined,
  workloads: WorkloadInfo[],
): { subsets: SubsetDef[]; derived: boolean } {
  const defined = asRecords(destinationRule?.spec?.subsets).flatMap((s) =>
    typeof s.name === 'string'
      ? [
          {
            name: s.name,
            labels: Object.fromEntries(
              Object.entries(isRecord(s.labels) ? s.labels : {}).filter(
                (e): e is [string, string] => typeof e[1] === 'string',
              ),
            ),
          },
        ]
      : [],
  );
  if (defined.length > 0) return { subsets: defined, derived: false };
  const versions = [...new Set(workloads.flatMap((w) => (w.version ? [w.version] : [])))].sort();
  return { subsets: versions.map((v) => ({ name: v, labels: { version: v } })), derived: true };
}

/** Workloads whose pods the service selects. */
export const workloadsBehind = (service: ServiceInfo, workloads: WorkloadInfo[]): WorkloadInfo[] =>
  workloads.filter((w) => w.namespace === service.namespace && selectorMatches(service.selector, w.labels));

/**
 * The VirtualService a shift edits: one in the service's namespace whose `hosts` name the service
 * and that applies to sidecars (no `gateways`, or `mesh` among them).
 */
export function pickVirtualService(candidates: IstioObject[], service: ServiceInfo): IstioObject | undefined {
  return candidates.find((vs) => {
    if (nsOf(vs) !== service.namespace) return false;
    const gateways = vs.spec?.gateways;
    return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
  });
}

/** The DestinationRule whose subsets a shift uses: the first in the service's own namespace. */
export const pickDestinationRule = (
  candidates: IstioObject[],
  service: ServiceInfo,
): IstioObject | undefined => candidates.find((dr) => nsOf(dr) === service.namespace);

/**
 * A copy of the VirtualService's HTTP routes and, inside it, the service's default route (as
 * `defaultHttpRoute` in packages/shared decides: the first route that matches every request),
 * appended when there is none so match rules keep their priority. Mutate `route`, then write
 * `http` back with `withHttp`.
 */
export function editableCatchAllRoute(
  vs: IstioObject | undefined,
  service: ServiceInfo,
): { http: unknown[]; route: Record<string, unknown> } {
  const raw = vs?.spec?.http;
  // Indices must stay those `defaultHttpRoute` saw, so entries are kept as written.
  const http: unknown[] = structuredClone(Array.isArray(raw) ? raw : []);
  const found = vs ? defaultHttpRoute(vs, service) : undefined;
  const at = found ? http[found.index] : undefined;
  let route = isRecord(at) ? at : undefined;
  if (!route) {
    route = { route: [{ destination: { host: service.name } }] };
    http.push(route);
  }
  return { http, route };
}

/** The VirtualService with new HTTP routes; a new one named after the service when `vs` is undefined. */
export function withHttp(vs: IstioObject | undefined, service: ServiceInfo, http: unknown[]): IstioObject {
  return vs
    ? { ...structuredClone(vs), spec: { ...structuredClone(vs.spec ?? {}), http } }
    : {
        apiVersion: ISTIO_API,
        kind: 'VirtualService',
        metadata: { name: service.name, namespace: service.namespace },
        spec: { hosts: [service.name], http },
      };
}

export interface ShiftPlan {
  virtualService: { before: IstioObject | null; after: IstioObject };
  /** Absent when the DestinationRule already defines the subsets. */
  destinationRule?: { before: IstioObject | null; after: IstioObject };
}

/** The route sends (some of) its requests to the service; hosts read in the VirtualService's namespace. */
export const targetsService = (route: unknown, vs: IstioObject | undefined, service: ServiceInfo): boolean =>
  routeSendsToService(route, vs ? nsOf(vs) : service.namespace, service);

/**
 * The new VirtualService and, when subsets must be created, DestinationRule for `weights`.
 * Only the service's default HTTP route (see `defaultHttpRoute` in packages/shared) gets
 * new weighted destinations; its other fields (timeouts, retries, faults, headers) and every other
 * route stay as they were. Without such a route one is appended, so match rules keep priority.
 */
export function planTrafficShift(input: {
  service: ServiceInfo;
  weights: Weights;
  virtualService: IstioObject | undefined;
  destinationRule: IstioObject | undefined;
  /** From `availableSubsets`: written to the DestinationRule when `derived`. */
  subsets: { subsets: SubsetDef[]; derived: boolean };
}): ShiftPlan {
  const { service, weights, virtualService: vs, destinationRule: dr } = input;
  const { http, route } = editableCatchAllRoute(vs, service);
  const existing = asRecords(route.route);
  const sample = existing.find((d) => isRecord(d.destination))?.destination;
  const host = isRecord(sample) && typeof sample.host === 'string' ? sample.host : service.name;
  const port = isRecord(sample) && isRecord(sample.port) ? sample.port : undefined;
  route.route = Object.entries(weights).map(([subset, weight]) => {
    const previous = existing.find((d) => isRecord(d.destination) && d.destination.subset === subset);
    const destination = { host, subset, ...(port ? { port } : {}) };
    return {
      ...(previous ?? {}),
      destination: { ...(isRecord(previous?.destination) ? previous.destination : {}), ...destination },
      weight,
    };
  });
  const vsAfter = withHttp(vs, service, http);
  const plan: ShiftPlan = { virtualService: { before: vs ?? null, after: vsAfter } };
  const derived = planDerivedSubsets(service, dr, input.subsets);
  if (derived) plan.destinationRule = derived;

  return plan;
}

/**
 * The DestinationRule with the subsets a route may name, when they were derived from the version
 * labels (`availableSubsets(...).derived`); undefined when the DestinationRule already has them.
 */
export function planDerivedSubsets(
  service: ServiceInfo,
  dr: IstioObject | undefined,
  available: { subsets: SubsetDef[]; derived: boolean },
): { before: IstioObject | null; after: IstioObject } | undefined {
  if (!available.derived) return undefined;
  const subsets = available.subsets.map((s) => ({ name: s.name, labels: s.labels }));
  return {
    before: dr ?? null,
    after: dr
      ? { ...structuredClone(dr), spec: { ...structuredClone(dr.spec ?? {}), subsets } }
      : {
          apiVersion: ISTIO_API,
          kind: 'DestinationRule',
          metadata: { name: service.name, namespace: service.namespace },
          spec: { host: service.name, subsets },
        },
  };
}
