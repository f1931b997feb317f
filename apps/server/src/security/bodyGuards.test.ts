import { describe, expect, it } from 'vitest';
import { poisonedKey } from './bodyGuards';

describe('poisonedKey', () => {
  it('finds prototype keys at any depth, with their path', () => {
    expect(poisonedKey(JSON.parse('{"policy":{"__proto__":{"isAdmin":true}}}'))).toBe('policy.__proto__');
    expect(poisonedKey({ rules: [{ match: { constructor: { prototype: 1 } } }] })).toBe(
      'rules[0].match.constructor',
    );
    expect(poisonedKey([{ a: 1 }, JSON.parse('{"prototype":2}')])).toBe('[1].prototype');
  });
  it('accepts ordinary bodies and values named like those keys', () => {
    expect(poisonedKey({ weights: { v1: 90, v3: 10 }, note: '__proto__' })).toBeUndefined();
    expect(poisonedKey(undefined)).toBeUndefined();
  });
});
