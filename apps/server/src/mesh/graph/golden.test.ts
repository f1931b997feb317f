import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GraphType } from '@sextant/shared';
import { buildGraph } from '.';
import { bookinfoConfig, bookinfoTelemetry } from './__fixtures__/bookinfo';

// One fixed minute of telemetry (faults included) → the whole graph of each graph type, written
// out under __golden__/. A change to any stage shows up as a diff a reviewer reads. To accept an
// intended change: UPDATE_GOLDEN=1 pnpm vitest run apps/server/src/mesh/graph/golden.test.ts
const file = (type: GraphType): string =>
  fileURLToPath(new URL(`./__golden__/${type}.json`, import.meta.url));

describe('golden graphs', () => {
  for (const graphType of ['versionedApp', 'app', 'workload', 'service'] as const) {
    it(`${graphType} graph`, () => {
      const graph = buildGraph(bookinfoTelemetry(), bookinfoConfig(), {
        graphType,
        namespaces: ['bookinfo'],
        injectServiceNodes: true,
        idleNodes: false,
      });
      const text = `${JSON.stringify(graph, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file(graphType), text);
      // Parsed, so the files may be formatted by Prettier like every other file.
      expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(file(graphType), 'utf8')));
    });
  }
});
