import { describe, expect, it } from 'vitest';
import { typedIstio } from '../validations/testInventory';
import { planPeerAuthentication } from './peerAuthentication';

describe('planPeerAuthentication', () => {
  it('creates the namespace-wide default, or one selecting a workload', () => {
    expect(
      planPeerAuthentication({ namespace: 'bookinfo', current: undefined, request: { mode: 'STRICT' } }),
    ).toEqual({
      before: null,
      after: {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'bookinfo' },
        spec: { mtls: { mode: 'STRICT' } },
      },
    });
    const { after } = planPeerAuthentication({
      namespace: 'bookinfo',
      current: undefined,
      request: { mode: 'PERMISSIVE', workload: { labels: { app: 'reviews' } } },
    });
    expect(after.metadata.name).toBe('reviews-mtls');
    expect(after.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'PERMISSIVE' },
    });
  });

  it('changes only the mode of an existing one, keeping port-level modes', () => {
    const current = typedIstio('PeerAuthentication', {
      kind: 'PeerAuthentication',
      metadata: { name: 'reviews-mtls', namespace: 'bookinfo', resourceVersion: '9' },
      spec: {
        selector: { matchLabels: { app: 'reviews' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 9080: { mode: 'DISABLE' } },
      },
    });
    const { before, after } = planPeerAuthentication({
      namespace: 'bookinfo',
      current,
      request: { mode: 'DISABLE', workload: { labels: { app: 'reviews' } } },
    });
    expect(before).toBe(current);
    expect(after.metadata).toEqual(current.metadata);
    expect(after.spec).toEqual({ ...current.spec, mtls: { mode: 'DISABLE' } });
    expect(current.spec?.mtls).toEqual({ mode: 'STRICT' });
  });
});
