/**
 * Traffic-split arithmetic for the canary form and the traffic-shift endpoint. Pure, so the
 * browser checks exactly what the server checks before anything is sent.
 */

/** Percent per subset name, e.g. `{ v1: 90, v3: 10 }`. */
export type Weights = Record<string, number>;

export type WeightIssueCode = 'not_integer' | 'out_of_range' | 'bad_sum' | 'unknown_subset' | 'empty';

export interface WeightIssue {
  /** The field at fault: `weights.<subset>`, or `weights` for the whole set. */
  field: string;
  code: WeightIssueCode;
  message: string;
}

export const WEIGHT_TOTAL = 100;

/**
 * Integers 0–100 that sum to 100, each naming a subset that exists. `subsets` undefined skips
 * the existence check (the browser may not know them yet). Errors name the field.
 */
export function validateWeights(weights: Weights, subsets?: readonly string[]): WeightIssue[] {
  const issues: WeightIssue[] = [];
  const entries = Object.entries(weights);
  if (entries.length === 0) {
    return [{ field: 'weights', code: 'empty', message: 'weights: give at least one subset a weight.' }];
  }
  let sum = 0;
  let allNumbers = true;
  for (const [subset, w] of entries) {
    const field = `weights.${subset}`;
    if (subsets && !subsets.includes(subset)) {
      issues.push({
        field,
        code: 'unknown_subset',
        message: `${field}: no subset "${subset}"; the service has ${subsets.length ? subsets.join(', ') : 'no subsets'}.`,
      });
    }
    if (typeof w !== 'number' || !Number.isInteger(w)) {
      allNumbers = false;
      issues.push({
        field,
        code: 'not_integer',
        message: `${field}: must be a whole number, got ${String(w)}.`,
      });
      continue;
    }
    if (w < 0 || w > WEIGHT_TOTAL) {
      issues.push({ field, code: 'out_of_range', message: `${field}: must be between 0 and 100, got ${w}.` });
    }
    sum += w;
  }
  if (allNumbers && sum !== WEIGHT_TOTAL) {
    issues.push({
      field: 'weights',
      code: 'bad_sum',
      message: `weights: must add up to 100, they add up to ${sum}.`,
    });
  }
  return issues;
}

const clamp = (v: number): number => Math.min(WEIGHT_TOTAL, Math.max(0, Math.round(v)));

/**
 * Sets `changed` to `value` and spreads the difference over the other unlocked subsets, in
 * proportion to their current weights (evenly when they are all 0), so the total stays 100.
 * When the locked subsets leave no room, `value` is capped at what remains. Order of keys kept.
 */
export function rebalance(
  weights: Weights,
  changed: string,
  value: number,
  locks: ReadonlySet<string> = new Set(),
): Weights {
  const names = Object.keys(weights);
  if (!names.includes(changed)) return { ...weights };
  const lockedSum = names
    .filter((n) => n !== changed && locks.has(n))
    .reduce((s, n) => s + (weights[n] ?? 0), 0);
  const free = names.filter((n) => n !== changed && !locks.has(n));
  const room = Math.max(0, WEIGHT_TOTAL - lockedSum);
  // With nothing free to absorb the change, the changed row must take exactly what is left.
  const target = free.length === 0 ? room : Math.min(clamp(value), room);
  const out: Weights = { ...weights, [changed]: target };
  let rest = room - target;
  const current = free.reduce((s, n) => s + (weights[n] ?? 0), 0);
  // Largest-remainder rounding keeps the free rows whole numbers that add up exactly.
  const shares = free.map((n, i) => {
    const exact = current > 0 ? ((weights[n] ?? 0) / current) * rest : rest / free.length;
    return { n, i, floor: Math.floor(exact), frac: exact - Math.floor(exact) };
  });
  for (const s of shares) {
    out[s.n] = s.floor;
    rest -= s.floor;
  }
  const byFrac = [...shares].sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; k < byFrac.length && rest > 0; k++, rest--) {
    const s = byFrac[k];
    if (s) out[s.n] = (out[s.n] ?? 0) + 1;
  }
  return out;
}

export type PresetId = 'all-stable' | '90-10' | '50-50' | 'all-canary';

export interface Preset {
  id: PresetId;
  label: string;
}

export const PRESETS: readonly Preset[] = [
  { id: 'all-stable', label: 'All to stable' },
  { id: '90-10', label: '90 / 10' },
  { id: '50-50', label: '50 / 50' },
  { id: 'all-canary', label: 'All to canary' },
];

/**
 * The weights a preset gives, with `stable` and `canary` named by the person (defaults: the
 * first and last subsets). Every other subset gets 0.
 */
export function applyPreset(
  preset: PresetId,
  subsets: readonly string[],
  stable: string | undefined = subsets[0],
  canary: string | undefined = subsets[subsets.length - 1],
): Weights {
  const out: Weights = Object.fromEntries(subsets.map((s) => [s, 0]));
  if (stable === undefined || canary === undefined) return out;
  const split: Record<PresetId, readonly [number, number]> = {
    'all-stable': [100, 0],
    '90-10': [90, 10],
    '50-50': [50, 50],
    'all-canary': [0, 100],
  };
  const [s, c] = split[preset];
  if (stable === canary) {
    out[stable] = 100;
    return out;
  }
  out[stable] = s;
  out[canary] = c;
  return out;
}
