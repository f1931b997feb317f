import type { MeshSnapshot, WorkloadInfo } from './mesh';
import type { Random } from './random';
import type { HttpRequest } from './routing';
import type { Call, Flow, Handling, Scenario, WorkloadProfile } from './scenario';

/**
 * The generated mesh: Deployments carry `sim.sextant.io/calls` (comma-separated
 * `<service>.<namespace>`) and entry workloads `sim.sextant.io/rps`. Each request a workload
 * serves makes one call to every service it lists. Optional annotations
 * `sim.sextant.io/latency-ms` and `sim.sextant.io/error-percent` override the derived profile.
 */

export const CALLS_ANNOTATION = 'sim.sextant.io/calls';
export const RPS_ANNOTATION = 'sim.sextant.io/rps';
export const LATENCY_ANNOTATION = 'sim.sextant.io/latency-ms';
export const ERROR_ANNOTATION = 'sim.sextant.io/error-percent';

/** Stable small hash, so profiles do not change between runs. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function parseCalls(annotation: string | undefined): string[] {
  return (annotation ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

function numberAnnotation(workload: WorkloadInfo, name: string): number | undefined {
  const raw = workload.annotations[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function scaleProfile(workload: WorkloadInfo): WorkloadProfile {
  const h = hash(`${workload.namespace}/${workload.name}`);
  const derivedLatency = 2 + (h % 18);
  // Roughly one workload in fifteen has a small 5xx share, so health colours vary.
  const derivedErrors = h % 15 === 0 ? 1 + (h % 4) : 0;
  return {
    medianMs: numberAnnotation(workload, LATENCY_ANNOTATION) ?? derivedLatency,
    sigma: 0.4,
    errorPercent: numberAnnotation(workload, ERROR_ANNOTATION) ?? derivedErrors,
    errorCode: h % 2 === 0 ? 500 : 503,
    responseBytes: 200 + (h % 2000),
  };
}

export function scaleScenario(): Scenario {
  const callsMemo = new WeakMap<WorkloadInfo, { profile: WorkloadProfile; calls: Call[] }>();

  function describe(workload: WorkloadInfo): { profile: WorkloadProfile; calls: Call[] } {
    let described = callsMemo.get(workload);
    if (!described) {
      described = {
        profile: scaleProfile(workload),
        calls: parseCalls(workload.annotations[CALLS_ANNOTATION]).map((host) => ({
          host,
          method: 'GET',
          path: '/',
          headers: {},
        })),
      };
      callsMemo.set(workload, described);
    }
    return described;
  }

  return {
    flows(snapshot: MeshSnapshot): Flow[] {
      const flows: Flow[] = [];
      for (const workload of snapshot.workloads.values()) {
        const rps = numberAnnotation(workload, RPS_ANNOTATION);
        if (rps !== undefined && rps > 0) flows.push({ from: `${workload.namespace}/${workload.name}`, rps });
      }
      return flows;
    },
    handle(workload: WorkloadInfo, _request: HttpRequest, _random: Random): Handling {
      return describe(workload);
    },
  };
}

/**
 * `base` plus every workload carrying the annotations (the shop next to Bookinfo): flows from
 * both, and an annotated workload handles requests by its annotations. Without annotated
 * workloads in the cluster it behaves exactly as `base`, random draws included.
 */
export function withAnnotatedWorkloads(base: Scenario): Scenario {
  const annotated = scaleScenario();
  return {
    flows: (snapshot) => [...base.flows(snapshot), ...annotated.flows(snapshot)],
    handle: (workload, request, random) =>
      workload.annotations[CALLS_ANNOTATION] !== undefined
        ? annotated.handle(workload, request, random)
        : base.handle(workload, request, random),
  };
}
