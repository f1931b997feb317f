import { describe, expect, it } from 'vitest';
import { validateDestinationRule } from './destinationRule';
import type { K8sObject } from '../types';
import { bookinfoConfig, istioObject } from './testInventory';

const dr = (spec: Record<string, unknown>, name = 'reviews-extra') =>
  istioObject('DestinationRule', name, spec);
const codes = (o: ReturnType<typeof dr>, ...others: K8sObject[]) =>
  validateDestinationRule(o, bookinfoConfig(o, ...others)).map((v) => `${v.code} ${v.severity} ${v.path}`);
const strictPa = (namespace = 'bookinfo', selector?: Record<string, string>) =>
  istioObject(
    'PeerAuthentication',
    selector ? 'workload' : 'default',
    { ...(selector ? { selector: { matchLabels: selector } } : {}), mtls: { mode: 'STRICT' } },
    namespace,
  );

describe('validateDestinationRule', () => {
  it('SX2000: no host', () => {
    expect(codes(dr({ subsets: [] }))).toEqual(['SX2000 error spec.host']);
  });
  it('SX2001: a host nobody serves', () => {
    expect(codes(dr({ host: 'nope.bookinfo.svc.cluster.local' }))).toEqual(['SX2001 warning spec.host']);
  });
  it('SX2002: a subset selecting no pods, pointing at its labels', () => {
    const found = validateDestinationRule(
      dr(
        {
          host: 'ratings',
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v7', labels: { version: 'v7' } },
          ],
        },
        'ratings',
      ),
      bookinfoConfig(),
    );
    expect(found.map((v) => `${v.code} ${v.path}`)).toEqual(['SX2002 spec.subsets[1].labels']);
    expect(found[0]?.message).toContain(
      'Subset "v7" selects no pod of ratings (no workload behind the service has version=v7)',
    );
  });
  it('SX2003: a second DestinationRule for the same host in the namespace', () => {
    // destination-rule-all.yaml already has `reviews` for host reviews.
    expect(codes(dr({ host: 'reviews.bookinfo.svc.cluster.local' }))).toEqual(['SX2003 warning spec.host']);
    expect(codes(dr({ host: 'reviews' }, 'reviews'))).toEqual([]);
  });
  it('SX2004: TLS DISABLE toward STRICT workloads (namespace, mesh-wide or workload PeerAuthentication)', () => {
    const disable = dr(
      {
        host: 'reviews',
        trafficPolicy: { tls: { mode: 'DISABLE' } },
        subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }],
      },
      'reviews',
    );
    expect(codes(disable)).toEqual([]);
    expect(codes(disable, strictPa())).toEqual([
      'SX2004 error spec.trafficPolicy.tls.mode',
      'SX2004 error spec.subsets[0].trafficPolicy.tls.mode',
    ]);
    expect(codes(disable, strictPa('istio-system'))).toHaveLength(2);
    expect(codes(disable, strictPa('bookinfo', { app: 'reviews' }))).toHaveLength(2);
    expect(codes(disable, strictPa('bookinfo', { app: 'ratings' }))).toEqual([]);
  });
});
