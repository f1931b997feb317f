import {
  asIstioObject,
  fromIstioHttpRoute,
  serviceMatchRoutes,
  type RequestRule,
  type StringMatch,
} from '@sextant/shared';

export const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** One string condition as typed; an empty value on URI or method means "not matched on". */
export interface MatchRow {
  kind: MatchKind;
  value: string;
}

/** One rule of the request-routing form as typed. */
export interface RuleRow {
  headers: (MatchRow & { name: string })[];
  uri: MatchRow;
  method: MatchRow;
  /** `subset`: all to one subset; `weights`: `v1=50, v3=50`. */
  mode: 'subset' | 'weights';
  subset: string;
  weights: string;
}

export const emptyRule = (subset = ''): RuleRow => ({
  headers: [{ name: 'end-user', kind: 'exact', value: '' }],
  uri: { kind: 'prefix', value: '' },
  method: { kind: 'exact', value: '' },
  mode: 'subset',
  subset,
  weights: '',
});

const rowOf = (m: StringMatch | undefined, fallback: MatchKind): MatchRow => {
  const [kind, value] = Object.entries(m ?? {})[0] ?? [fallback, ''];
  return { kind: kind as MatchKind, value };
};
const matchOf = (r: MatchRow): StringMatch => ({ [r.kind]: r.value }) as StringMatch;

export function rowFromRule(rule: RequestRule): RuleRow {
  return {
    headers: Object.entries(rule.match?.headers ?? {}).map(([name, m]) => ({ name, ...rowOf(m, 'exact') })),
    uri: rowOf(rule.match?.uri, 'prefix'),
    method: rowOf(rule.match?.method, 'exact'),
    mode: 'subset' in rule.route ? 'subset' : 'weights',
    subset: 'subset' in rule.route ? rule.route.subset : '',
    weights:
      'weights' in rule.route
        ? Object.entries(rule.route.weights)
            .map(([s, w]) => `${s}=${w}`)
            .join(', ')
        : '',
  };
}

/**
 * `v1=50, v3=50` as weights; a part that is not `name=number` becomes NaN so the shared validation
 * names it (`rules[0].route.weights.v1: must be a whole number`).
 */
export function parseWeights(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    out[name || part.trim()] = value === '' ? Number.NaN : Number(value);
  }
  return out;
}

/** The rule as sent: headers with no name are dropped, URI/method only when given a value. */
export function ruleFromRow(row: RuleRow): RequestRule {
  const match: NonNullable<RequestRule['match']> = {};
  const headers = row.headers.filter((h) => h.name.trim() !== '');
  if (headers.length > 0) match.headers = Object.fromEntries(headers.map((h) => [h.name.trim(), matchOf(h)]));
  if (row.uri.value !== '') match.uri = matchOf(row.uri);
  if (row.method.value !== '') match.method = matchOf(row.method);
  return {
    match,
    route: row.mode === 'subset' ? { subset: row.subset } : { weights: parseWeights(row.weights) },
  };
}

/**
 * The rules the VirtualService (as received; typed here by its schema) has now for the service: its match routes before the
 * default route (`serviceMatchRoutes` in packages/shared) that the form can show. `unreadable`
 * counts the service's routes the form cannot show (several match blocks, destinations without a
 * subset, rules after the default route that can never match): applying replaces them, and the
 * form says so.
 */
export function rulesFromVirtualService(
  vs: unknown,
  service: string,
  namespace: string,
): { rules: RequestRule[]; unreadable: number } {
  const found = serviceMatchRoutes(asIstioObject('VirtualService', vs), { name: service, namespace });
  const rules: RequestRule[] = [];
  let unreadable = found.unreachable.length;
  for (const { route } of found.rules) {
    const rule = fromIstioHttpRoute(route);
    if (rule) rules.push(rule);
    else unreadable++;
  }
  return { rules, unreadable };
}

/** Swaps rule `i` with its neighbour (`-1` up, `1` down); out-of-range moves change nothing. */
export function moveRow<T>(rows: readonly T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  const out = [...rows];
  const a = out[i];
  const b = out[j];
  if (a === undefined || b === undefined) return out;
  out[i] = b;
  out[j] = a;
  return out;
}
