import { describe, expect, it } from 'vitest';
import { parseIstioObject } from './parse';

describe('parseIstioObject', () => {
  it('types a VirtualService and keeps fields it does not know', () => {
    const raw = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo', managedFields: [{ manager: 'kubectl' }] },
      spec: {
        hosts: ['reviews'],
        http: [
          { route: [{ destination: { host: 'reviews', subset: 'v1' }, futureField: 1 }], corsPolicy: {} },
        ],
        futureSpec: { x: true },
      },
      status: { validationMessages: [] },
    };
    const parsed = parseIstioObject('VirtualService', raw);
    expect(parsed.ok).toBe(true);
    // The object that passed is the object received: nothing copied, nothing dropped.
    if (parsed.ok) expect(parsed.object).toBe(raw);
    expect(JSON.parse(JSON.stringify(parsed.ok && parsed.object))).toEqual(raw);
  });

  it('fills in the kind list items come without', () => {
    const parsed = parseIstioObject('DestinationRule', { metadata: { name: 'r' }, spec: { host: 'r' } });
    expect(parsed.ok && parsed.object.kind).toBe('DestinationRule');
  });

  it('keeps an object that does not parse, naming every field at fault', () => {
    const raw = {
      kind: 'VirtualService',
      metadata: { name: 'broken', namespace: 'bookinfo' },
      spec: { hosts: 'reviews', http: [{ route: [{ destination: { subset: 'v1' }, weight: '80' }] }] },
    };
    const parsed = parseIstioObject('VirtualService', raw);
    if (parsed.ok) throw new Error('expected a failure');
    expect(parsed.unreadable.object).toEqual(raw);
    expect(parsed.unreadable.issues.map((i) => i.path).sort()).toEqual([
      'spec.hosts',
      'spec.http[0].route[0].destination.host',
      'spec.http[0].route[0].weight',
    ]);
  });

  it('keeps even an object without a name or of the wrong kind', () => {
    const parsed = parseIstioObject('Gateway', { kind: 'Sidecar', metadata: {} });
    if (parsed.ok) throw new Error('expected a failure');
    expect(parsed.unreadable.object.metadata.name).toBe('');
    expect(parsed.unreadable.issues.map((i) => i.path).sort()).toEqual(['kind', 'metadata.name']);
  });
});
