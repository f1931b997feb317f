import { describe, expect, it } from 'vitest';
import { evaluate, parseFindHide, type Expr, type FindHideTarget } from './findHide';

function parsed(source: string): Expr {
  const result = parseFindHide(source);
  if (!result.ok) throw new Error(`expected ${source} to parse: ${result.error.message}`);
  if (!result.expr) throw new Error('expected an expression');
  return result.expr;
}

function failure(source: string) {
  const result = parseFindHide(source);
  if (result.ok) throw new Error(`expected ${source} to fail`);
  return result.error;
}

const reviewsV2: FindHideTarget = {
  kind: 'node',
  values: {
    ns: 'bookinfo',
    app: 'reviews',
    version: 'v2',
    sidecar: true,
    rps: 3,
    error: 2,
    badge: ['VS', 'TS'],
    idle: false,
  },
};
const curl: FindHideTarget = {
  kind: 'node',
  values: { ns: 'curl', app: 'curl', sidecar: false, rps: 0, error: 0, badge: ['MS'], idle: true },
};
const slowEdge: FindHideTarget = {
  kind: 'edge',
  values: { rps: 12.5, error: 3.2, mtls: 60, p95: 250, protocol: 'http', percent: 40, idle: false },
};

describe('parseFindHide', () => {
  it('treats a blank expression as no expression', () => {
    expect(parseFindHide('   ')).toEqual({ ok: true, expr: null });
  });

  it('parses comparisons with units and aliases into canonical fields', () => {
    expect(parsed('error > 1%')).toEqual({ kind: 'compare', field: 'error', op: '>', value: 1 });
    expect(parsed('rt >= 1.5s')).toEqual({ kind: 'compare', field: 'p95', op: '>=', value: 1500 });
    expect(parsed('namespace == bookinfo')).toEqual({
      kind: 'compare',
      field: 'ns',
      op: '=',
      value: 'bookinfo',
    });
    expect(parsed('sidecar = false')).toEqual({ kind: 'compare', field: 'sidecar', op: '=', value: false });
    expect(parsed('idle')).toEqual({ kind: 'compare', field: 'idle', op: '=', value: true });
  });

  it('gives "and" precedence over "or", and honours parentheses', () => {
    expect(parsed('rps > 1 or ns = a and version = v2')).toEqual({
      kind: 'or',
      left: { kind: 'compare', field: 'rps', op: '>', value: 1 },
      right: {
        kind: 'and',
        left: { kind: 'compare', field: 'ns', op: '=', value: 'a' },
        right: { kind: 'compare', field: 'version', op: '=', value: 'v2' },
      },
    });
    expect(parsed('(rps > 1 || ns = a) && !idle')).toEqual({
      kind: 'and',
      left: {
        kind: 'or',
        left: { kind: 'compare', field: 'rps', op: '>', value: 1 },
        right: { kind: 'compare', field: 'ns', op: '=', value: 'a' },
      },
      right: { kind: 'not', operand: { kind: 'compare', field: 'idle', op: '=', value: true } },
    });
  });

  it('reports errors with the position they start at', () => {
    expect(failure('rps >')).toEqual({ message: 'expected a value after “>”', position: 5 });
    expect(failure('speed > 3')).toMatchObject({
      position: 0,
      message: expect.stringMatching(/^unknown field “speed”/),
    });
    expect(failure('rps > fast')).toEqual({ message: 'rps is a number; “fast” is not', position: 6 });
    expect(failure('version > v2')).toEqual({
      message: 'version can only be compared with = or !=',
      position: 8,
    });
    expect(failure('(rps > 1')).toEqual({
      message: 'expected “)” to close the “(” at column 1',
      position: 8,
    });
    expect(failure('rps > 1)')).toEqual({ message: 'this “)” has no matching “(”', position: 7 });
    expect(failure('rps > 1 ns = a')).toEqual({ message: 'expected “and” or “or” before “ns”', position: 8 });
    expect(failure('rps > 5ms')).toEqual({ message: 'the unit “ms” does not apply to rps', position: 6 });
    expect(failure('sidecar = maybe')).toEqual({
      message: 'sidecar is true or false, not “maybe”',
      position: 10,
    });
    expect(failure('app = "reviews')).toEqual({
      message: 'the quote opened here is never closed',
      position: 6,
    });
    expect(failure('rps ~ 3')).toEqual({ message: 'unexpected character “~”', position: 4 });
    expect(failure('ns')).toEqual({
      message: 'expected a comparison (=, !=, >, >=, <, <=) after “ns”',
      position: 2,
    });
  });
});

describe('evaluate', () => {
  const matches = (source: string, target: FindHideTarget) => evaluate(parsed(source), target);

  it('compares numbers, strings, booleans and badge sets', () => {
    expect(matches('rps > 2', reviewsV2)).toBe(true);
    expect(matches('rps > 3', reviewsV2)).toBe(false);
    expect(matches('error > 1%', reviewsV2)).toBe(true);
    expect(matches('version = V2', reviewsV2)).toBe(true);
    expect(matches('app = rev*', reviewsV2)).toBe(true);
    expect(matches('ns != bookinfo', reviewsV2)).toBe(false);
    expect(matches('sidecar = false', curl)).toBe(true);
    expect(matches('sidecar = false', reviewsV2)).toBe(false);
    expect(matches('badge = TS', reviewsV2)).toBe(true);
    expect(matches('badge != MS', reviewsV2)).toBe(true);
    expect(matches('idle', curl)).toBe(true);
  });

  it('never matches a field that does not apply to the element kind', () => {
    expect(matches('mtls < 100', slowEdge)).toBe(true);
    expect(matches('mtls < 100', reviewsV2)).toBe(false);
    expect(matches('ns = bookinfo', slowEdge)).toBe(false);
    expect(matches('p95 > 200ms and error >= 3.2', slowEdge)).toBe(true);
  });

  it('combines with and, or and not', () => {
    expect(matches('ns = curl or version = v2', reviewsV2)).toBe(true);
    expect(matches('ns = curl and version = v2', reviewsV2)).toBe(false);
    expect(matches('not (ns = curl)', reviewsV2)).toBe(true);
    expect(matches('(ns = curl or rps > 10) and sidecar', reviewsV2)).toBe(false);
  });
});
