import type { RoutePolicy } from '@sextant/shared';

/** The route-policy form as typed: strings, an empty one meaning "none". */
export interface RoutePolicyFields {
  timeout: string;
  retryAttempts: string;
  perTryTimeout: string;
  retryOn: string;
  delayPercent: string;
  fixedDelay: string;
  abortPercent: string;
  abortStatus: string;
}

const text = (v: string | undefined): string => v ?? '';
const num = (v: number | undefined): string => (v === undefined ? '' : String(v));
const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

export function fieldsFromPolicy(p: RoutePolicy): RoutePolicyFields {
  return {
    timeout: text(p.timeout),
    retryAttempts: num(p.retries?.attempts),
    perTryTimeout: text(p.retries?.perTryTimeout),
    retryOn: text(p.retries?.retryOn),
    delayPercent: num(p.fault?.delay?.percent),
    fixedDelay: text(p.fault?.delay?.fixedDelay),
    abortPercent: num(p.fault?.abort?.percent),
    abortStatus: num(p.fault?.abort?.httpStatus),
  };
}

/**
 * The policy the fields describe. A section is on when its main field is filled (attempts, the
 * delay, the status); a missing percent means 100, as in Istio. Numbers stay NaN when mistyped, so
 * `validateRoutePolicy` names the field.
 */
export function policyFromFields(f: RoutePolicyFields): RoutePolicy {
  const p: RoutePolicy = {};
  const timeout = opt(f.timeout);
  if (timeout) p.timeout = timeout;
  if (opt(f.retryAttempts) !== undefined) {
    p.retries = { attempts: Number(f.retryAttempts) };
    const perTry = opt(f.perTryTimeout);
    if (perTry) p.retries.perTryTimeout = perTry;
    const retryOn = opt(f.retryOn);
    if (retryOn) p.retries.retryOn = retryOn;
  }
  const fixedDelay = opt(f.fixedDelay);
  const abortStatus = opt(f.abortStatus);
  if (fixedDelay || abortStatus) {
    p.fault = {};
    if (fixedDelay)
      p.fault.delay = { fixedDelay, percent: opt(f.delayPercent) ? Number(f.delayPercent) : 100 };
    if (abortStatus) {
      p.fault.abort = {
        httpStatus: Number(abortStatus),
        percent: opt(f.abortPercent) ? Number(f.abortPercent) : 100,
      };
    }
  }
  return p;
}
