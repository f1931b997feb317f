import { describe, expect, it } from 'vitest';
import { parseServiceRef } from './discoverPrometheus';

describe('parseServiceRef', () => {
  it('reads <namespace>/<service> and <service> (in istio-system)', () => {
    expect(parseServiceRef('monitoring/prometheus-server')).toEqual({
      namespace: 'monitoring',
      service: 'prometheus-server',
    });
    expect(parseServiceRef('prometheus')).toEqual({ namespace: 'istio-system', service: 'prometheus' });
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'a/', '/b', 'a/b/c'])
      expect(() => parseServiceRef(bad), bad).toThrow('is not <namespace>/<service> or <service>');
  });
});
