import { describe, expect, it } from 'vitest';
import type { InformerStatus } from './cache';
import { readiness, staleSince } from './readiness';

const synced = (resource: InformerStatus['resource']): InformerStatus => ({
  resource,
  synced: true,
  lastSyncAt: 1_000,
});

describe('readiness', () => {
  it('is ready when every informer synced and none is failing', () => {
    expect(readiness([synced('pods'), synced('services')], 50_000, 30_000)).toEqual({
      ready: true,
      status: 'ready',
    });
  });

  it('is not ready before the first sync, naming the informers and the error', () => {
    const r = readiness(
      [synced('pods'), { resource: 'services', synced: false, lastError: 'connect ECONNREFUSED' }],
      2_000,
      30_000,
    );
    expect(r).toEqual({
      ready: false,
      status: 'syncing',
      reason: 'The cache has not synced yet (services): connect ECONNREFUSED.',
    });
  });

  it('stays ready through a failure shorter than the threshold, then turns not ready', () => {
    const failing: InformerStatus = {
      resource: 'pods',
      synced: false,
      lastSyncAt: 1_000,
      failingSince: 10_000,
      lastError: 'socket hang up',
    };
    expect(readiness([failing, synced('services')], 40_000, 30_000).ready).toBe(true);
    expect(readiness([failing, synced('services')], 40_001, 30_000)).toEqual({
      ready: false,
      status: 'failing',
      reason: 'Watches on the Kubernetes API have been failing for 30 s (pods): socket hang up',
    });
  });

  it('ignores an old failure once the informer synced again', () => {
    const recovered: InformerStatus = { ...synced('pods'), lastError: 'old', lastErrorAt: 5 };
    expect(readiness([recovered], 999_999, 30_000).ready).toBe(true);
  });
});

describe('staleSince', () => {
  it('gives the earliest failure of the informers that had synced, with an error', () => {
    expect(staleSince([synced('pods')])).toBeUndefined();
    expect(
      staleSince([
        synced('pods'),
        { resource: 'services', synced: false, lastSyncAt: 1, failingSince: 500, lastError: 'refused' },
        { resource: 'endpoints', synced: false, lastSyncAt: 1, failingSince: 300 },
        // Never synced: that is "not ready yet", not stale.
        { resource: 'gateways', synced: false, failingSince: 100 },
      ]),
    ).toEqual({ since: 300, error: 'refused' });
  });
});
