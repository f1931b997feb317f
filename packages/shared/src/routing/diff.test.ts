import { describe, expect, it } from 'vitest';
import { yamlDiff } from './diff';

describe('yamlDiff', () => {
  const before = {
    metadata: { name: 'reviews', resourceVersion: '10' },
    spec: { http: [{ route: [{ destination: { subset: 'v1' }, weight: 80 }] }] },
  };
  it('shows only the changed lines, without server-owned fields', () => {
    const after = {
      metadata: { name: 'reviews', resourceVersion: '11' },
      spec: { http: [{ route: [{ destination: { subset: 'v1' }, weight: 50 }] }] },
    };
    const d = yamlDiff('VirtualService bookinfo/reviews', before, after);
    expect(d).toContain('-          weight: 80');
    expect(d).toContain('+          weight: 50');
    expect(d).not.toContain('resourceVersion');
    expect(d.split('\n')[0]).toBe('--- VirtualService bookinfo/reviews');
  });
  it('is empty when nothing changes but the server fields', () => {
    expect(yamlDiff('x', before, { ...before, metadata: { name: 'reviews', resourceVersion: '99' } })).toBe(
      '',
    );
  });
  it('marks a creation against /dev/null', () => {
    expect(yamlDiff('DestinationRule bookinfo/reviews', null, { metadata: { name: 'reviews' } })).toMatch(
      /^--- \/dev\/null\n\+\+\+ DestinationRule bookinfo\/reviews/m,
    );
  });
});
