import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';

/** Fields the API server owns; they change on every write and would only add noise to a diff. */
const SERVER_FIELDS = ['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields'];

function forDiff(o: unknown): string {
  if (o === null || o === undefined) return '';
  if (typeof o !== 'object') return stringify(o);
  const { status: _status, ...rest } = o as Record<string, unknown>;
  const metadata = rest.metadata;
  if (typeof metadata === 'object' && metadata !== null) {
    rest.metadata = Object.fromEntries(Object.entries(metadata).filter(([k]) => !SERVER_FIELDS.includes(k)));
  }
  return stringify(rest);
}

/**
 * A unified diff of two objects as YAML, named `label` (e.g. `VirtualService bookinfo/reviews`);
 * `before` null is a creation, `after` null a deletion. Empty when nothing changes.
 */
export function yamlDiff(label: string, before: unknown, after: unknown): string {
  const a = forDiff(before);
  const b = forDiff(after);
  if (a === b) return '';
  return (
    createTwoFilesPatch(
      before == null ? '/dev/null' : label,
      after == null ? '/dev/null' : label,
      a,
      b,
      undefined,
      undefined,
      { context: 3 },
    )
      .split('\n')
      // The patch format's own header lines say nothing a person needs.
      .filter((line) => !line.startsWith('Index:') && !/^=+$/.test(line))
      .join('\n')
  );
}
