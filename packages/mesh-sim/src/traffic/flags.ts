/**
 * Envoy's `%RESPONSE_FLAGS%` as Istio's stats filter writes them into `response_flags`:
 * every flag set on the stream, comma-separated, always in Envoy's own order (the order of
 * `ResponseFlagUtils` in source/common/stream_info/utility.h), `-` when none. So a request whose
 * retries ran out after connection failures reads `UF,URX`, never `URX,UF`, and a delayed request
 * that then timed out reads `UT,DI`.
 */
export type ResponseFlag =
  | 'LH'
  | 'UH'
  | 'UT'
  | 'LR'
  | 'UR'
  | 'UF'
  | 'UC'
  | 'UO'
  | 'NR'
  | 'DI'
  | 'FI'
  | 'RL'
  | 'UAEX'
  | 'RLSE'
  | 'DC'
  | 'URX'
  | 'SI'
  | 'IH'
  | 'DPE'
  | 'UMSDR'
  | 'RFCF'
  | 'NFCF'
  | 'DT'
  | 'UPE'
  | 'NC'
  | 'OM'
  | 'DF'
  | 'DO'
  | 'DR';

const ENVOY_ORDER: readonly ResponseFlag[] = [
  'LH',
  'UH',
  'UT',
  'LR',
  'UR',
  'UF',
  'UC',
  'UO',
  'NR',
  'DI',
  'FI',
  'RL',
  'UAEX',
  'RLSE',
  'DC',
  'URX',
  'SI',
  'IH',
  'DPE',
  'UMSDR',
  'RFCF',
  'NFCF',
  'DT',
  'UPE',
  'NC',
  'OM',
  'DF',
  'DO',
  'DR',
];

const RANK = new Map(ENVOY_ORDER.map((flag, index) => [flag, index]));

/** The label value for a set of flags: Envoy's order, no duplicates, `-` when empty. */
export function formatFlags(flags: Iterable<ResponseFlag>): string {
  const unique = [...new Set(flags)];
  if (unique.length === 0) return '-';
  unique.sort((a, b) => (RANK.get(a) ?? 0) - (RANK.get(b) ?? 0));
  return unique.join(',');
}
