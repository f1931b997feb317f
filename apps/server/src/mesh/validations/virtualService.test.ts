import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types';
import { bookinfoConfig, istioObject } from './testInventory';
import { validateVirtualService } from './virtualService';

const vs = (spec: Record<string, unknown>, name = 'reviews') => istioObject('VirtualService', name, spec);
const route = (subset: string, weight?: number, host = 'reviews') => ({
  destination: { host, subset },
  ...(weight === undefined ? {} : { weight }),
});
const codes = (spec: Record<string, unknown>, ...others: K8sObject[]) => {
  const o = vs(spec);
  return validateVirtualService(o, bookinfoConfig(o, ...others)).map(
    (v) => `${v.code} ${v.severity} ${v.path}`,
  );
};

describe('validateVirtualService', () => {
  it('accepts the 80/20 canary', () => {
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1', 80), route('v2', 20)] }] })).toEqual([]);
  });
  it('SX1000: no hosts', () => {
    expect(codes({ http: [{ route: [route('v1')] }] })).toEqual(['SX1000 error spec.hosts']);
  });
  it('SX1001: weights not adding up to 100', () => {
    const found = validateVirtualService(
      vs({ hosts: ['reviews'], http: [{ route: [route('v1', 80), route('v2', 30)] }] }),
      bookinfoConfig(),
    );
    expect(found).toEqual([
      {
        code: 'SX1001',
        severity: 'error',
        path: 'spec.http[0].route',
        message:
          'Route weights add up to 110; they must add up to 100: adjust the weights of the 2 destinations.',
      },
    ]);
  });
  it('SX1008: weights outside 0..100, even when they add up to 100', () => {
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1', -50), route('v2', 150)] }] })).toEqual([
      'SX1008 error spec.http[0].route[0].weight',
      'SX1008 error spec.http[0].route[1].weight',
    ]);
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1', 0), route('v2', 100)] }] })).toEqual([]);
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1', 50.5), route('v2', 49.5)] }] })).toEqual([
      'SX1008 error spec.http[0].route[0].weight',
      'SX1008 error spec.http[0].route[1].weight',
    ]);
  });
  it('SX1002: a subset no DestinationRule defines, with the full path', () => {
    expect(
      codes({
        hosts: ['reviews'],
        http: [{ route: [route('v1')] }, { route: [route('v1', 50), route('v9', 50)] }],
      }),
    ).toEqual(['SX1002 error spec.http[1].route[1].destination.subset', 'SX1006 warning spec.http[1]']);
  });
  it('SX1003: a destination host nobody serves', () => {
    expect(codes({ hosts: ['reviews'], tcp: [{ route: [{ destination: { host: 'nope' } }] }] })).toEqual([
      'SX1003 warning spec.tcp[0].route[0].destination.host',
    ]);
  });
  it('SX1004: a mesh host with no Service; gateway-only hosts are public names', () => {
    expect(codes({ hosts: ['reveiws'], http: [{ route: [route('v1')] }] })).toEqual([
      'SX1004 warning spec.hosts[0]',
    ]);
    const gw = istioObject('Gateway', 'gw', { selector: { istio: 'ingressgateway' } });
    expect(
      codes({ hosts: ['shop.example.com'], gateways: ['gw'], http: [{ route: [route('v1')] }] }, gw),
    ).toEqual([]);
    expect(codes({ hosts: ['reviews.bookinfo.svc.cluster.local', '*.example.com'], http: [] })).toEqual([]);
  });
  it('SX1005: a gateway that does not exist, top level and in a match', () => {
    const gw = istioObject('Gateway', 'gw', { selector: { istio: 'ingressgateway' } }, 'istio-system');
    expect(
      codes(
        {
          hosts: ['reviews'],
          gateways: ['istio-system/gw', 'gw', 'mesh'],
          http: [{ match: [{ gateways: ['other/gw'] }], route: [route('v1')] }],
        },
        gw,
      ),
    ).toEqual(['SX1005 error spec.gateways[1]', 'SX1005 error spec.http[0].match[0].gateways[0]']);
  });
  it('SX1006: rules after a catch-all (no match, empty match, prefix /)', () => {
    const matched = { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [route('v2')] };
    expect(codes({ hosts: ['reviews'], http: [matched, { route: [route('v1')] }] })).toEqual([]);
    expect(
      codes({
        hosts: ['reviews'],
        http: [{ match: [{ uri: { prefix: '/' } }], route: [route('v1')] }, matched, matched],
      }),
    ).toEqual(['SX1006 warning spec.http[1]', 'SX1006 warning spec.http[2]']);
  });
  it('SX1007: two VirtualServices for one host on the same gateway', () => {
    const other = vs({ hosts: ['reviews.bookinfo.svc.cluster.local'], http: [] }, 'reviews-2');
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1')] }] }, other)).toEqual([
      'SX1007 warning spec.hosts[0]',
    ]);
    const onGateway = vs({ hosts: ['reviews'], gateways: ['bookinfo/gw'], http: [] }, 'reviews-gw');
    const gw = istioObject('Gateway', 'gw', { selector: { istio: 'ingressgateway' } });
    expect(codes({ hosts: ['reviews'], http: [{ route: [route('v1')] }] }, onGateway, gw)).toEqual([]);
  });
  it('does not count itself as a duplicate when validating an edited copy (dry run)', () => {
    const stored = vs({ hosts: ['reviews'], http: [{ route: [route('v1')] }] });
    const edited = vs({ hosts: ['reviews'], http: [{ route: [route('v2')] }] });
    expect(validateVirtualService(edited, bookinfoConfig(stored))).toEqual([]);
  });
});
