import { describe, expect, it } from 'vitest';
import { meshConfigFromObjects, type ObjectLists } from './config';
import type { K8sObject } from './types';
import { validateMeshConfig } from './validations';

const lists = (extra: Partial<ObjectLists>): ObjectLists => ({
  namespaces: [],
  services: [],
  pods: [],
  deployments: [],
  virtualservices: [],
  destinationrules: [],
  gateways: [],
  serviceentries: [],
  sidecars: [],
  peerauthentications: [],
  authorizationpolicies: [],
  requestauthentications: [],
  ...extra,
});

const good: K8sObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
};
const broken: K8sObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'broken', namespace: 'bookinfo' },
  spec: { hosts: 'reviews', http: [{ route: [{ destination: { subset: 'v1' } }] }] },
};

describe('meshConfigFromObjects', () => {
  it('types Istio objects once: the same object on every rebuild, not a copy', () => {
    const listed: K8sObject = { metadata: { name: 'r', namespace: 'bookinfo' }, spec: { host: 'r' } };
    const first = meshConfigFromObjects(lists({ virtualservices: [good], destinationrules: [listed] }));
    const again = meshConfigFromObjects(lists({ virtualservices: [good], destinationrules: [listed] }));
    expect(first.virtualServices[0]).toBe(good);
    // A list item without kind gets one, in a copy made once and reused.
    expect(first.destinationRules[0]?.kind).toBe('DestinationRule');
    expect(again.destinationRules[0]).toBe(first.destinationRules[0]);
  });

  it('keeps an object that does not parse apart, and validations report each field at fault', () => {
    const config = meshConfigFromObjects(lists({ virtualservices: [good, broken] }));
    expect(config.virtualServices.map((v) => v.metadata.name)).toEqual(['reviews']);
    expect(config.unreadable.map((u) => `${u.kind}/${u.object.metadata.name}`)).toEqual([
      'VirtualService/broken',
    ]);
    const findings = validateMeshConfig(config).get('VirtualService/bookinfo/broken') ?? [];
    expect(findings.map((f) => `${f.code} ${f.severity} ${f.path}`)).toEqual([
      'SX0001 error spec.hosts',
      'SX0001 error spec.http[0].route[0].destination.host',
    ]);
    expect(findings[0]?.message).toContain('spec.hosts: Invalid input: expected array, received string');
  });
});
