import { describe, expect, it } from 'vitest';
import { parseYaml, validationDiagnostics } from './diagnostics';

const TEXT = `kind: VirtualService
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v9}
`;

describe('parseYaml', () => {
  it('gives the value of valid YAML and no diagnostics', () => {
    expect(parseYaml(TEXT)).toMatchObject({ value: { kind: 'VirtualService' }, diagnostics: [] });
  });
  it('places a parse error on its line', () => {
    const broken = 'kind: VirtualService\nspec:\n  hosts: [reviews\n  http: x\n';
    const { value, diagnostics } = parseYaml(broken);
    expect(value).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', source: 'yaml' });
    expect(diagnostics[0]?.line).toBeGreaterThanOrEqual(3);
  });
  it('flags a bad indentation', () => {
    const { diagnostics } = parseYaml('spec:\n  hosts:\n  - a\n bad: 1\n');
    expect(diagnostics.map((d) => d.line)).toContain(4);
  });
});

describe('validationDiagnostics', () => {
  it('puts each finding on its line, with its code', () => {
    const found = validationDiagnostics(TEXT, [
      {
        code: 'SX1002',
        severity: 'error',
        message: 'Subset "v9" is not defined.',
        path: 'spec.http[0].route[0].destination.subset',
      },
      { code: 'SX2000', severity: 'warning', message: 'Missing.', path: 'spec.tls' },
    ]);
    expect(found.map((d) => [d.line, d.severity, d.source])).toEqual([
      [6, 'error', 'SX1002'],
      [2, 'warning', 'SX2000'],
    ]);
    expect(TEXT.slice(found[0]?.from, found[0]?.to)).toBe('subset: v9');
    expect(found[1]?.message).toBe('SX2000: Missing. (at spec.tls)');
  });
});
