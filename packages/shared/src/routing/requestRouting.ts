import { z } from 'zod';
import type { IstioStringMatch, PortSelector } from '../istio/common';
import type { HttpMatchRequest, HttpRoute } from '../istio/virtualService';
import type { PolicyIssue } from './routePolicy';
import { validateWeights } from './weights';
import { ResourceVersion, strictObject } from './strictFields';

/** One string match of Istio's `StringMatch`: exactly one of exact, prefix, regex. */
export const StringMatch = z.union([
  z.object({ exact: z.string() }).strict(),
  z.object({ prefix: z.string() }).strict(),
  z.object({ regex: z.string() }).strict(),
]);
export type StringMatch = z.infer<typeof StringMatch>;

/** One ordered request-routing rule: requests matching `match` go to `route`. */
export const RequestRule = strictObject({
  match: strictObject({
    headers: z.record(z.string().max(256), StringMatch).optional(),
    uri: StringMatch.optional(),
    method: StringMatch.optional(),
  }).optional(),
  route: z.union(
    [
      z.object({ subset: z.string().max(253) }).strict(),
      z.object({ weights: z.record(z.string().max(253), z.number()) }).strict(),
    ],
    { error: () => 'either { subset: <name> } or { weights: { <subset>: <0..100>, … } }, and nothing else' },
  ),
});
export type RequestRule = z.infer<typeof RequestRule>;

/** `POST /api/namespaces/:ns/services/:svc/request-routing` body. */
export const RequestRoutingRequest = strictObject({
  /** In order; far more than a person keeps in one form. */
  rules: z.array(RequestRule).max(100),
  resourceVersion: ResourceVersion.optional(),
});
export type RequestRoutingRequest = z.infer<typeof RequestRoutingRequest>;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function checkStringMatch(issues: PolicyIssue[], field: string, m: StringMatch): void {
  const [kind, value] = Object.entries(m)[0] ?? ['exact', ''];
  const at = `${field}.${kind}`;
  if (value === '') {
    issues.push({ field: at, message: `${at}: must not be empty.` });
    return;
  }
  if (kind === 'regex') {
    try {
      new RegExp(value);
    } catch (err) {
      issues.push({
        field: at,
        message: `${at}: not a valid regular expression (${err instanceof Error ? err.message : String(err)}).`,
      });
    }
  }
}

/**
 * Every mistake in the ordered rules, each naming its field (`rules[1].match.headers.end-user.exact`).
 * `subsets` undefined skips the existence check (the browser may not know them yet).
 */
export function validateRequestRouting(rules: RequestRule[], subsets?: readonly string[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    const match = rule.match ?? {};
    const headers = Object.entries(match.headers ?? {});
    if (headers.length === 0 && !match.uri && !match.method) {
      issues.push({
        field: `${at}.match`,
        message: `${at}.match: give a header, URI or method to match; the default route catches the rest.`,
      });
    }
    for (const [name, m] of headers) {
      if (!HEADER_NAME.test(name)) {
        issues.push({
          field: `${at}.match.headers.${name}`,
          message: `${at}.match.headers.${name}: not a valid header name.`,
        });
      }
      checkStringMatch(issues, `${at}.match.headers.${name}`, m);
    }
    if (match.uri) checkStringMatch(issues, `${at}.match.uri`, match.uri);
    if (match.method) checkStringMatch(issues, `${at}.match.method`, match.method);
    const weights = 'subset' in rule.route ? { [rule.route.subset]: 100 } : rule.route.weights;
    const prefix = 'subset' in rule.route ? `${at}.route.subset` : `${at}.route.weights`;
    for (const w of validateWeights(weights, subsets)) {
      const field = 'subset' in rule.route ? prefix : w.field.replace(/^weights/, prefix);
      const message = w.message.replace(/^weights(\.[^:]*)?:/, `${field}:`);
      issues.push({ field, message });
    }
  });
  return issues;
}

const cleanMatch = (m: StringMatch): Record<string, string> => ({ ...m });

/** The Istio HTTP routes for the rules, in order, each to `host`'s subsets. */
export function toIstioHttpRoutes(rules: RequestRule[], host: string, port?: PortSelector): HttpRoute[] {
  return rules.map((rule) => {
    const match: HttpMatchRequest = {};
    const headers = Object.entries(rule.match?.headers ?? {});
    if (headers.length > 0) match.headers = Object.fromEntries(headers.map(([n, m]) => [n, cleanMatch(m)]));
    if (rule.match?.uri) match.uri = cleanMatch(rule.match.uri);
    if (rule.match?.method) match.method = cleanMatch(rule.match.method);
    const dest = (subset: string) => ({ host, subset, ...(port ? { port } : {}) });
    const route =
      'subset' in rule.route
        ? [{ destination: dest(rule.route.subset) }]
        : Object.entries(rule.route.weights).map(([s, weight]) => ({ destination: dest(s), weight }));
    return { match: [match], route };
  });
}

/** The first of exact, prefix, regex an Istio StringMatch sets; the form shows one. */
function stringMatchOf(v: IstioStringMatch | undefined): StringMatch | undefined {
  if (!v) return undefined;
  if (v.exact !== undefined) return { exact: v.exact };
  if (v.prefix !== undefined) return { prefix: v.prefix };
  if (v.regex !== undefined) return { regex: v.regex };
  return undefined;
}

/**
 * The rules an HTTP route expresses, when the form can show it: its first match block and its
 * subsets. Undefined for routes the form cannot represent (no subsets, several match blocks).
 */
export function fromIstioHttpRoute(route: HttpRoute): RequestRule | undefined {
  const m = route.match?.length === 1 ? route.match[0] : undefined;
  if (!m) return undefined;
  const match: NonNullable<RequestRule['match']> = {};
  const headers: Record<string, StringMatch> = {};
  for (const [n, v] of Object.entries(m.headers ?? {})) {
    const sm = stringMatchOf(v);
    if (sm) headers[n] = sm;
  }
  if (Object.keys(headers).length > 0) match.headers = headers;
  const uri = stringMatchOf(m.uri);
  if (uri) match.uri = uri;
  const method = stringMatchOf(m.method);
  if (method) match.method = method;
  const dests = route.route ?? [];
  const subsets = dests.flatMap(({ destination, weight }) =>
    destination.subset === undefined ? [] : [{ subset: destination.subset, weight }],
  );
  if (subsets.length === 0 || subsets.length !== dests.length) return undefined;
  const only = subsets[0];
  if (subsets.length === 1 && only) return { match, route: { subset: only.subset } };
  return { match, route: { weights: Object.fromEntries(subsets.map((s) => [s.subset, s.weight ?? 0])) } };
}
