import { describe, expect, it } from 'vitest';
import { validateSidecar } from './sidecar';
import { bookinfoConfig, istioObject } from './testInventory';

const sc = (name: string, spec: Record<string, unknown>) => istioObject('Sidecar', name, spec);

describe('validateSidecar', () => {
  it('SX3301: a workloadSelector matching no workload', () => {
    const o = sc('s', { workloadSelector: { labels: { app: 'reviews', version: 'v9' } } });
    expect(validateSidecar(o, bookinfoConfig(o)).map((v) => `${v.code} ${v.path}`)).toEqual([
      'SX3301 spec.workloadSelector.labels',
    ]);
  });
  it('SX3302: two namespace-wide Sidecars', () => {
    const a = sc('default', { egress: [{ hosts: ['./*'] }] });
    const b = sc('other', { egress: [{ hosts: ['istio-system/*'] }] });
    const scoped = sc('reviews', { workloadSelector: { labels: { app: 'reviews' } } });
    const config = bookinfoConfig(a, b, scoped);
    expect(validateSidecar(a, config).map((v) => `${v.code} ${v.severity}`)).toEqual(['SX3302 error']);
    expect(validateSidecar(scoped, config)).toEqual([]);
  });
});
