import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isIstioKind, parseIstioObject } from './parse';

/** The Istio samples vendored from ../shared/fixtures/istio (kept identical). */
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/istio/', import.meta.url));

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });

const samples = yamlFiles(FIXTURES).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((o): o is { kind: string; metadata: { name: string } } => {
      const kind = (o as { kind?: unknown } | null)?.kind;
      return isIstioKind(kind);
    })
    .map((o) => ({ file: file.slice(FIXTURES.length), o })),
);

describe('Istio schemas', () => {
  it('find the Istio samples', () => {
    // bookinfo networking, gateways, helloworld and friends: a handful of dozen objects.
    expect(samples.length).toBeGreaterThan(25);
    const kinds = new Set(samples.map((s) => s.o.kind));
    for (const k of ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry'])
      expect(kinds).toContain(k);
  });

  it.each(samples.map((s) => [`${s.file} ${s.o.kind}/${s.o.metadata.name}`, s.o] as const))(
    'parse %s, keeping every field',
    (_, o) => {
      if (!isIstioKind(o.kind)) throw new Error('not an Istio kind');
      const parsed = parseIstioObject(o.kind, o);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.unreadable.issues));
      // Unknown fields survive: the typed object is the object as written.
      expect(parsed.object).toEqual(o);
    },
  );
});
