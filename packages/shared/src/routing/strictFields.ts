import { z } from 'zod';

/** Edit distance between two short strings (field names), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[y.length] ?? Math.max(x.length, y.length);
}

/**
 * The known field a mistyped one most likely meant (`timeOut` → `timeout`, `tls` → `tlsMode`):
 * the closest by edit distance, or one that starts with it; none when nothing is close.
 */
export function closestField(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key, name);
    if (!best || d < best.d) best = { name, d };
  }
  if (best && best.d <= Math.max(2, Math.floor(best.name.length / 2))) return best.name;
  const lower = key.toLowerCase();
  return lower.length >= 2 ? known.find((n) => n.toLowerCase().startsWith(lower)) : undefined;
}

const pathText = (path: readonly PropertyKey[]): string =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');

/** `policy.timeOut: unknown field; did you mean timeout?` for each unknown key. */
export function unknownFieldsMessage(
  path: readonly PropertyKey[],
  keys: readonly string[],
  known: readonly string[],
): string {
  return keys
    .map((k) => {
      const hint = closestField(k, known);
      const at = pathText([...path, k.length > 64 ? `${k.slice(0, 64)}…` : k]);
      return `${at}: unknown field${hint ? `; did you mean ${hint}?` : ''}`;
    })
    .join('; ');
}

/**
 * An object schema that refuses keys it does not know, naming each with a suggestion: a typo
 * must never be read as "field absent" and silently remove a setting.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? unknownFieldsMessage(iss.path ?? [], iss.keys, known) : undefined,
  });
}

/** Largest value of a protobuf `int32` field (Istio's counts and limits). */
export const INT32_MAX = 2_147_483_647;
/** Largest value of a protobuf `uint32` / `UInt32Value` field. */
export const UINT32_MAX = 4_294_967_295;
/** Longest `google.protobuf.Duration`: 10,000 years, in seconds. */
export const DURATION_MAX_SECONDS = 315_576_000_000;

/** The body of an endpoint that takes none (rollback, delete): absent or `{}`, nothing else. */
export const NoBody = strictObject({}).optional();

/** A Kubernetes resourceVersion as a form echoes it back: opaque, short, printable. */
export const ResourceVersion = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'resourceVersion: the value read from the object');
