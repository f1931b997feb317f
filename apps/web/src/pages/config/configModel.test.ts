import type { IstioObjectWithValidations } from '@sextant/shared';
import { describe, expect, it } from 'vitest';
import {
  checkEdited,
  configFiltersSearch,
  filterItems,
  objectToYaml,
  parseConfigFilters,
  stateCounts,
  validationState,
  yamlDiff,
} from './configModel';

const item = (
  kind: string,
  name: string,
  severities: ('error' | 'warning' | 'info')[] = [],
): IstioObjectWithValidations => ({
  resource: `${kind.toLowerCase()}s`,
  object: { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: 'bookinfo' } },
  validations: severities.map((severity) => ({ code: 'SX1000', severity, message: 'm', path: 'spec' })),
});
const ITEMS = [
  item('VirtualService', 'reviews', ['warning', 'error']),
  item('DestinationRule', 'reviews', ['warning']),
  item('DestinationRule', 'ratings'),
  item('VirtualService', 'bookinfo', ['info']),
];

describe('config list model', () => {
  it('takes the worst severity as the state', () => {
    expect(ITEMS.map((i) => validationState(i.validations))).toEqual(['error', 'warning', 'valid', 'info']);
  });
  it('counts objects per state', () => {
    expect(stateCounts(ITEMS)).toEqual({ error: 1, warning: 1, info: 1, valid: 1 });
  });
  it('filters by kind, name and state, sorted by namespace, kind, name', () => {
    const names = (f: Partial<Parameters<typeof filterItems>[1]>) =>
      filterItems(ITEMS, { namespace: '', kind: '', name: '', state: '', ...f }).map(
        (i) => `${i.object.kind}/${i.object.metadata.name}`,
      );
    expect(names({})).toEqual([
      'DestinationRule/ratings',
      'DestinationRule/reviews',
      'VirtualService/bookinfo',
      'VirtualService/reviews',
    ]);
    expect(names({ kind: 'VirtualService', name: 'REV' })).toEqual(['VirtualService/reviews']);
    expect(names({ state: 'valid' })).toEqual(['DestinationRule/ratings']);
  });
  it('round-trips the filters through the URL and drops unknown values', () => {
    const f = { namespace: 'bookinfo', kind: 'Gateway', name: 'x y', state: 'error' as const };
    expect(parseConfigFilters(configFiltersSearch(f))).toEqual(f);
    expect(parseConfigFilters('?kind=Pod&state=bad')).toEqual({
      namespace: '',
      kind: '',
      name: '',
      state: '',
    });
    expect(configFiltersSearch({ namespace: '', kind: '', name: '', state: '' })).toBe('');
  });
});

describe('editing model', () => {
  it('shows the object without status and managedFields', () => {
    const text = objectToYaml({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'r', resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] },
      spec: { hosts: ['r'] },
      status: { observedGeneration: 1 },
    });
    expect(text).toBe(
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n  resourceVersion: "7"\nspec:\n  hosts:\n    - r\n',
    );
  });
  it('diffs two texts, empty when equal', () => {
    expect(yamlDiff('r', 'a: 1\n', 'a: 1\n')).toBe('');
    const d = yamlDiff('r', 'a: 1\nb: 2\n', 'a: 1\nb: 3\n');
    expect(d).toContain('-b: 2\n+b: 3');
  });
  it('checks the edited document is the same Istio object', () => {
    const vs = { kind: 'VirtualService', metadata: { name: 'r' }, spec: {} };
    expect(checkEdited(vs, { kind: 'VirtualService', name: 'r' })).toMatchObject({
      ok: true,
      name: 'r',
      object: { apiVersion: 'networking.istio.io/v1' },
    });
    expect(checkEdited([1], {})).toMatchObject({ ok: false });
    expect(checkEdited({ ...vs, kind: 'Pod' }, {})).toMatchObject({
      ok: false,
      message: expect.stringContaining('Istio kinds'),
    });
    expect(checkEdited(vs, { kind: 'DestinationRule' })).toMatchObject({ ok: false });
    expect(checkEdited({ ...vs, metadata: {} }, {})).toMatchObject({
      ok: false,
      message: 'metadata.name: required.',
    });
    expect(checkEdited(vs, { name: 'other' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('renaming'),
    });
    expect(checkEdited({ ...vs, metadata: { name: 'r', namespace: 'x' } }, { namespace: 'y' })).toMatchObject(
      { ok: false },
    );
  });

  it('names a field of the wrong type, as the server would read it', () => {
    const broken = {
      kind: 'VirtualService',
      metadata: { name: 'r' },
      spec: { hosts: 'reviews', http: [{ route: [{ destination: { subset: 'v1' } }] }] },
    };
    expect(checkEdited(broken, {})).toEqual({
      ok: false,
      message: 'spec.hosts: Invalid input: expected array, received string (and 1 more).',
    });
  });
});
