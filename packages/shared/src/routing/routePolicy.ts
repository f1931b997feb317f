import { z } from 'zod';
import type { HttpFault, HttpRetry, HttpRoute } from '../istio/virtualService';
import { DURATION_MAX_SECONDS, ResourceVersion, strictObject } from './strictFields';

/**
 * Timeouts, retries and fault injection of a service's catch-all HTTP route, in the form's terms
 * (percent as a number); `toIstioRoute`/`fromIstioRoute` translate to the VirtualService fields.
 * An absent field means "none": the route field is removed.
 */
export const RoutePolicy = strictObject({
  /** Istio duration, e.g. `2s`, `500ms`. */
  timeout: z.string().max(32).optional(),
  retries: strictObject({
    attempts: z.number(),
    perTryTimeout: z.string().max(32).optional(),
    retryOn: z.string().max(256).optional(),
  }).optional(),
  fault: strictObject({
    delay: strictObject({ percent: z.number(), fixedDelay: z.string().max(32) }).optional(),
    abort: strictObject({ percent: z.number(), httpStatus: z.number() }).optional(),
  }).optional(),
});
export type RoutePolicy = z.infer<typeof RoutePolicy>;

/** `POST /api/namespaces/:ns/services/:svc/route-policy` body. */
export const RoutePolicyRequest = strictObject({
  policy: RoutePolicy,
  resourceVersion: ResourceVersion.optional(),
});
export type RoutePolicyRequest = z.infer<typeof RoutePolicyRequest>;

export interface PolicyIssue {
  /** The field at fault, e.g. `fault.abort.httpStatus`. */
  field: string;
  message: string;
}

const DURATION = /^(\d{1,15})(\.\d{1,9})?(ms|s|m|h)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds in an Istio duration (`1.5s`, `500ms`, `2m`, `1h`); undefined when it is not one. */
export function durationSecondsOf(v: string): number | undefined {
  const m = DURATION.exec(v);
  if (!m) return undefined;
  return Number.parseFloat(`${m[1] ?? ''}${m[2] ?? ''}`) * (UNIT_SECONDS[m[3] ?? 's'] ?? 1);
}

/** Istio takes durations of at least 1ms, and protobuf's Duration ends at 10,000 years. */
export function checkDuration(issues: PolicyIssue[], field: string, v: string | undefined): void {
  if (v === undefined) return;
  const seconds = durationSecondsOf(v);
  if (seconds === undefined || seconds < 0.001) {
    issues.push({
      field,
      message: `${field}: a positive duration such as 2s or 500ms (at least 1ms), got "${v}".`,
    });
  } else if (seconds > DURATION_MAX_SECONDS) {
    issues.push({ field, message: `${field}: at most ${DURATION_MAX_SECONDS}s (10,000 years), got "${v}".` });
  }
}

export function checkPercent(issues: PolicyIssue[], field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 100) {
    issues.push({ field, message: `${field}: a percentage between 0 and 100, got ${String(v)}.` });
  }
}

/** Every mistake, each naming its field; empty when the policy can be applied. */
export function validateRoutePolicy(p: RoutePolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  checkDuration(issues, 'timeout', p.timeout);
  if (p.retries) {
    const a = p.retries.attempts;
    if (!Number.isInteger(a) || a < 0 || a > 100) {
      issues.push({
        field: 'retries.attempts',
        message: `retries.attempts: a whole number from 0 to 100, got ${String(a)}.`,
      });
    }
    checkDuration(issues, 'retries.perTryTimeout', p.retries.perTryTimeout);
    if (p.retries.retryOn !== undefined && !/^[a-z0-9-]+(,[a-z0-9-]+)*$/.test(p.retries.retryOn)) {
      issues.push({
        field: 'retries.retryOn',
        message: `retries.retryOn: comma-separated conditions such as 5xx,reset,connect-failure, got "${p.retries.retryOn}".`,
      });
    }
  }
  if (p.fault?.delay) {
    checkPercent(issues, 'fault.delay.percent', p.fault.delay.percent);
    checkDuration(issues, 'fault.delay.fixedDelay', p.fault.delay.fixedDelay);
  }
  if (p.fault?.abort) {
    checkPercent(issues, 'fault.abort.percent', p.fault.abort.percent);
    const s = p.fault.abort.httpStatus;
    if (!Number.isInteger(s) || s < 200 || s > 599) {
      issues.push({
        field: 'fault.abort.httpStatus',
        message: `fault.abort.httpStatus: an HTTP status from 200 to 599, got ${String(s)}.`,
      });
    }
  }
  return issues;
}

/** Istio reads an absent `percentage` as every request. */
const percentOf = (f: { percentage?: { value?: number } }): number => f.percentage?.value ?? 100;

/** The VirtualService HTTP route fields for a policy; undefined values mean "remove". */
export function toIstioRoute(p: RoutePolicy): { timeout?: string; retries?: HttpRetry; fault?: HttpFault } {
  const fault: HttpFault = {};
  if (p.fault?.delay) {
    fault.delay = { percentage: { value: p.fault.delay.percent }, fixedDelay: p.fault.delay.fixedDelay };
  }
  if (p.fault?.abort) {
    fault.abort = { percentage: { value: p.fault.abort.percent }, httpStatus: p.fault.abort.httpStatus };
  }
  return {
    timeout: p.timeout,
    retries: p.retries
      ? Object.fromEntries(Object.entries(p.retries).filter(([, v]) => v !== undefined))
      : undefined,
    fault: Object.keys(fault).length > 0 ? fault : undefined,
  };
}

/** The policy an HTTP route carries now (none for no route). */
export function fromIstioRoute(route: HttpRoute | undefined): RoutePolicy {
  if (!route) return {};
  const out: RoutePolicy = {};
  if (route.timeout) out.timeout = route.timeout;
  if (route.retries?.attempts !== undefined) {
    out.retries = {
      attempts: route.retries.attempts,
      perTryTimeout: route.retries.perTryTimeout,
      retryOn: route.retries.retryOn,
    };
  }
  if (route.fault) {
    const { delay, abort } = route.fault;
    out.fault = {};
    if (delay?.fixedDelay !== undefined) {
      out.fault.delay = { percent: percentOf(delay), fixedDelay: delay.fixedDelay };
    }
    if (abort?.httpStatus !== undefined) {
      out.fault.abort = { percent: percentOf(abort), httpStatus: abort.httpStatus };
    }
  }
  return out;
}
