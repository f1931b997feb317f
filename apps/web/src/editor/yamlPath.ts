import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';

/** `spec.http[1].route[0].destination.subset` → `['spec', 'http', 1, 'route', 0, 'destination', 'subset']`. */
export function parseFindingPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Where in the text a finding points: character offsets and the 1-based line. */
export interface TextSpan {
  from: number;
  to: number;
  line: number;
  /** False when the path goes deeper than the document: the span is the deepest part that exists. */
  exact: boolean;
}

type Range = [number, number, number] | null | undefined;

/**
 * Maps a finding path to the span of the YAML text it names, using the parser's source positions:
 * for a mapping key, the whole `key: value` line start; for a sequence item, the item. A path that
 * leaves the document (a missing field) lands on its deepest existing ancestor.
 */
export function spanOfPath(text: string, path: string): TextSpan | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  let node: unknown = doc.contents;
  let span: [number, number] | undefined;
  let exact = true;
  for (const seg of parseFindingPath(path)) {
    if (typeof seg === 'string' && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) {
        exact = false;
        break;
      }
      const keyRange = (pair.key as Node).range as Range;
      const valueRange = (pair.value as Node | null)?.range as Range;
      if (keyRange) span = [keyRange[0], valueRange ? valueRange[1] : keyRange[1]];
      node = pair.value;
    } else if (typeof seg === 'number' && isSeq(node)) {
      const item = node.items[seg];
      const r = (item as Node | undefined)?.range as Range;
      if (!item || !r) {
        exact = false;
        break;
      }
      span = [r[0], r[1]];
      node = item;
    } else {
      exact = false;
      break;
    }
  }
  if (!span) {
    const r = (doc.contents as Node | null)?.range as Range;
    if (!r) return undefined;
    span = [r[0], r[0]];
    exact = path === '';
  }
  // A block value spans many lines; a marker reads best on the first one.
  const lineEnd = text.indexOf('\n', span[0]);
  const to = Math.max(span[0], Math.min(span[1], lineEnd < 0 ? text.length : lineEnd));
  return { from: span[0], to, line: lineCounter.linePos(span[0]).line, exact };
}
