import { RESPONSE_FLAGS, splitFlags } from '@sextant/shared';

/**
 * An Envoy `response_flags` value in words: `"URX,UC"` → `"retry limit exceeded; upstream
 * connection terminated"`; `"-"` → `"no flag"`. The words come from the table the server's error
 * rate uses (packages/shared), so both always agree.
 */
export function flagWords(flags: string): string {
  const parts = splitFlags(flags);
  if (parts.length === 0) return 'no flag';
  return parts.map((f) => RESPONSE_FLAGS[f]?.title ?? 'unknown Envoy flag').join('; ');
}

/** The failure flags of an edge or node, most frequent first: `FI (fault injected abort)`. */
export function failureFlagSummary(byFlag: Record<string, number> | undefined): string {
  const entries = Object.entries(byFlag ?? {})
    .filter(([flags, rps]) => rps > 0 && splitFlags(flags).length > 0)
    .sort((a, b) => b[1] - a[1]);
  return entries.map(([flags]) => `${flags} (${flagWords(flags)})`).join(', ');
}
