import { describe, expect, it } from 'vitest';
import { parseFindingPath, spanOfPath } from './yamlPath';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v9
      weight: 100
`;

describe('parseFindingPath', () => {
  it('splits keys and indexes', () => {
    expect(parseFindingPath('spec.http[1].route[0].destination.subset')).toEqual([
      'spec',
      'http',
      1,
      'route',
      0,
      'destination',
      'subset',
    ]);
    expect(parseFindingPath('spec.rules[0].from[2].source.principals[1]')).toEqual([
      'spec',
      'rules',
      0,
      'from',
      2,
      'source',
      'principals',
      1,
    ]);
  });
});

describe('spanOfPath', () => {
  const lineOf = (path: string) => spanOfPath(VS, path)?.line;
  it('finds the line of a nested key', () => {
    expect(lineOf('spec.http[1].route[0].destination.subset')).toBe(20);
    expect(lineOf('spec.http[0].route[0].destination.subset')).toBe(16);
    const span = spanOfPath(VS, 'spec.http[1].route[0].destination.subset');
    expect(VS.slice(span?.from, span?.to)).toBe('subset: v9');
    expect(span?.exact).toBe(true);
  });
  it('finds sequence items and block keys on their first line', () => {
    expect(lineOf('spec.hosts[0]')).toBe(7);
    expect(lineOf('spec.http[1]')).toBe(17);
    expect(lineOf('spec.http[1].route')).toBe(17);
    expect(lineOf('metadata.name')).toBe(4);
    const span = spanOfPath(VS, 'spec.http[1].route');
    expect(VS.slice(span?.from, span?.to)).toBe('route:');
  });
  it('falls back to the deepest existing ancestor for a missing field', () => {
    const span = spanOfPath(VS, 'spec.host');
    expect(span).toMatchObject({ line: 5, exact: false });
    expect(spanOfPath(VS, 'spec')?.line).toBe(5);
  });
  it('works on flow style and after edits that moved lines', () => {
    expect(spanOfPath('spec: { hosts: [a, b] }\n', 'spec.hosts[1]')).toMatchObject({
      from: 19,
      to: 20,
      line: 1,
    });
    expect(spanOfPath(`# comment\n\n${VS}`, 'spec.http[1].route[0].destination.subset')?.line).toBe(22);
  });
});
