import { describe, expect, it } from 'vitest';
import { addAppBoxes } from './boxes';
import { emptyGraph, ensureNode } from './model';

describe('app boxes', () => {
  it('boxes an app’s versions when there are several', () => {
    const g = emptyGraph();
    for (const v of ['v1', 'v2'])
      ensureNode(g, { id: `app:ns:r:${v}`, nodeType: 'app', namespace: 'ns', app: 'r', version: v }, false);
    ensureNode(g, { id: 'app:ns:p:v1', nodeType: 'app', namespace: 'ns', app: 'p', version: 'v1' }, false);
    addAppBoxes(g);
    expect(g.nodes.get('box:ns:r')).toMatchObject({ isBox: true, app: 'r' });
    expect(g.nodes.get('app:ns:r:v2')?.parent).toBe('box:ns:r');
    expect(g.nodes.get('app:ns:p:v1')?.parent).toBeUndefined();
    expect(g.nodes.has('box:ns:p')).toBe(false);
  });
});
