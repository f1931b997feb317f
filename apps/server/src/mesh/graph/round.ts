/** Four decimals: enough for rates and shares, and stable in golden files. */
export const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export function roundAll(m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[k] = round(v);
  return out;
}
