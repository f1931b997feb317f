import { appliesToMesh, defaultHttpRoute, routeSendsToService, type Weights } from '@sextant/shared';
import type { DestinationRule, HttpRoute, L4Route, PortSelector, VirtualService } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import type { ServiceInfo, WorkloadInfo } from '../types';

const nsOf = (o: { metadata: { namespace?: string } }): string => o.metadata.namespace ?? 'default';

const ISTIO_API = 'networking.istio.io/v1';

/** A DestinationRule subset the shift may route to. */
export interface SubsetDef {
  name: string;
  labels: Record<string, string>;
}

/** A planned change of one object: `before` null when it is created. */
export interface PlannedChange<T> {
  before: T | null;
  after: T;
}

/**
 * The subsets a shift can name: those of the DestinationRule when it has any, else one per
 * `version` label of the workloads behind the service (what the shift will create).
 */
export function availableSubsets(
  destinationRule: DestinationRule | undefined,
  workloads: WorkloadInfo[],
): { subsets: SubsetDef[]; derived: boolean } {
  const defined = (destinationRule?.spec?.subsets ?? []).map((s) => ({
    name: s.name,
    labels: s.labels ?? {},
  }));
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
export const pickVirtualService = (
  candidates: VirtualService[],
  service: ServiceInfo,
): VirtualService | undefined => candidates.find((vs) => nsOf(vs) === service.namespace && appliesToMesh(vs));

/** The DestinationRule whose subsets a shift uses: the first in the service's own namespace. */
export const pickDestinationRule = (
  candidates: DestinationRule[],
  service: ServiceInfo,
): DestinationRule | undefined => candidates.find((dr) => nsOf(dr) === service.namespace);

/**
 * A copy of the VirtualService's HTTP routes and, inside it, the service's default route (as
 * `defaultHttpRoute` in packages/shared decides: the first route that matches every request),
 * appended when there is none so match rules keep their priority. Mutate `route`, then write
 * `http` back with `withHttp`.
 */
export function editableCatchAllRoute(
  vs: VirtualService | undefined,
  service: ServiceInfo,
): { http: HttpRoute[]; route: HttpRoute } {
  const http = structuredClone(vs?.spec?.http ?? []);
  const found = defaultHttpRoute(vs, service);
  let route = found ? http[found.index] : undefined;
  if (!route) {
    route = { route: [{ destination: { host: service.name } }] };
    http.push(route);
  }
  return { http, route };
}

/** The VirtualService with new HTTP routes; a new one named after the service when `vs` is undefined. */
export function withHttp(
  vs: VirtualService | undefined,
  service: ServiceInfo,
  http: HttpRoute[],
): VirtualService {
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
  virtualService: PlannedChange<VirtualService>;
  /** Absent when the DestinationRule already defines the subsets. */
  destinationRule?: PlannedChange<DestinationRule>;
}

/** The route sends (some of) its requests to the service; hosts read in the VirtualService's namespace. */
export const targetsService = (
  route: HttpRoute | L4Route,
  vs: VirtualService | undefined,
  service: ServiceInfo,
): boolean => routeSendsToService(route, vs ? nsOf(vs) : service.namespace, service);

/** The host and port a rewritten route keeps: those its destinations were written with. */
export function destinationStyle(
  route: HttpRoute,
  service: ServiceInfo,
): { host: string; port?: PortSelector } {
  const sample = route.route?.[0]?.destination;
  return { host: sample?.host ?? service.name, ...(sample?.port ? { port: sample.port } : {}) };
}

/**
 * The new VirtualService and, when subsets must be created, DestinationRule for `weights`.
 * Only the service's default HTTP route (see `defaultHttpRoute` in packages/shared) gets
 * new weighted destinations; its other fields (timeouts, retries, faults, headers) and every other
 * route stay as they were. Without such a route one is appended, so match rules keep priority.
 */
export function planTrafficShift(input: {
  service: ServiceInfo;
  weights: Weights;
  virtualService: VirtualService | undefined;
  destinationRule: DestinationRule | undefined;
  /** From `availableSubsets`: written to the DestinationRule when `derived`. */
  subsets: { subsets: SubsetDef[]; derived: boolean };
}): ShiftPlan {
  const { service, weights, virtualService: vs, destinationRule: dr } = input;
  const { http, route } = editableCatchAllRoute(vs, service);
  const existing = route.route ?? [];
  const style = destinationStyle(route, service);
  route.route = Object.entries(weights).map(([subset, weight]) => {
    const previous = existing.find((d) => d.destination.subset === subset);
    return {
      ...(previous ?? {}),
      destination: { ...(previous?.destination ?? {}), ...style, subset },
      weight,
    };
  });
  const plan: ShiftPlan = { virtualService: { before: vs ?? null, after: withHttp(vs, service, http) } };
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
  dr: DestinationRule | undefined,
  available: { subsets: SubsetDef[]; derived: boolean },
): PlannedChange<DestinationRule> | undefined {
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
