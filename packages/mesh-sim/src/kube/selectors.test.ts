import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { fieldMatcher, labelMatcher } from './selectors';

const pod = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', labels },
});
const pods = [pod('a', { app: 'x', version: 'v1' }), pod('b', { app: 'y' }), pod('c', {})];
const names = (sel: string): string[] =>
  pods.filter(labelMatcher(sel) ?? (() => true)).map((p) => p.metadata.name);

describe('label selectors', () => {
  it.each([
    ['app=x', ['a']],
    ['app==x', ['a']],
    ['app!=x', ['b', 'c']],
    ['app', ['a', 'b']],
    ['!app', ['c']],
    ['app in (x, y)', ['a', 'b']],
    ['app notin (x)', ['b', 'c']],
    ['app=x,version=v1', ['a']],
    ['app in (x,y),!version', ['b']],
  ])('%s', (sel, expected) => {
    expect(names(sel)).toEqual(expected);
  });
});

describe('field selectors', () => {
  it('matches metadata.name and refuses unknown fields with 400', () => {
    expect(pods.filter(fieldMatcher('metadata.name=b') ?? (() => true)).map((p) => p.metadata.name)).toEqual([
      'b',
    ]);
    expect(() => fieldMatcher('spec.foo=x')).toThrow('field label not supported: spec.foo');
  });
});
