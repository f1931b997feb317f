import { describe, expect, it } from 'vitest';
import { HistoryEntry } from './schemas';
import {
  PeerAuthenticationRequest,
  peerAuthenticationName,
  validatePeerAuthentication,
} from './peerAuthentication';

describe('validatePeerAuthentication', () => {
  it('accepts a namespace mode and a workload selector', () => {
    expect(validatePeerAuthentication({ mode: 'STRICT' })).toEqual([]);
    expect(
      validatePeerAuthentication({
        mode: 'PERMISSIVE',
        workload: { labels: { app: 'reviews' } },
        name: 'reviews-mtls',
      }),
    ).toEqual([]);
  });
  it('names each field at fault', () => {
    const issues = validatePeerAuthentication({
      mode: 'STRICT',
      name: 'Bad_Name',
      workload: { labels: { app: '', 'bad key!': 'x', version: 'v 1' } },
    });
    expect(issues.map((i) => i.field)).toEqual([
      'name',
      'workload.labels.app',
      'workload.labels.bad key!',
      'workload.labels.version',
    ]);
    expect(issues[1]?.message).toBe('workload.labels.app: must not be empty.');
    expect(validatePeerAuthentication({ mode: 'STRICT', workload: { labels: {} } })[0]?.field).toBe(
      'workload.labels',
    );
  });
  it('refuses an unknown mode in the body', () => {
    expect(PeerAuthenticationRequest.safeParse({ mode: 'strict' }).success).toBe(false);
  });
  it('names the object after the namespace or the workload', () => {
    expect(peerAuthenticationName({})).toBe('default');
    expect(peerAuthenticationName({ workload: { labels: { app: 'reviews' } } })).toBe('reviews-mtls');
    expect(peerAuthenticationName({ name: 'x', workload: { labels: { app: 'reviews' } } })).toBe('x');
  });
});

describe('HistoryEntry', () => {
  const entry = {
    id: 'a',
    at: '2026-01-01T00:00:00Z',
    user: 'u',
    namespace: 'bookinfo',
    action: 'peer-authentication',
    summary: 'STRICT',
    changes: [{ resource: 'peerauthentications', name: 'default', before: null, after: null }],
  };
  it('reads namespace entries without a service, and older entries with one', () => {
    expect(HistoryEntry.parse(entry).service).toBeUndefined();
    expect(
      HistoryEntry.parse({ ...entry, service: 'reviews', action: 'traffic-shift', changes: [] }).service,
    ).toBe('reviews');
  });
});
