import { describe, expect, it } from 'vitest';
import type { ServerStatus } from '@sextant/shared';
import { formatAge, staleNotices } from './staleness';

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const at = (hms: string) => Date.parse(`2026-12-01T${hms}Z`);

const healthy: ServerStatus = {
  telemetrySource: 'prometheus',
  telemetry: 'http://prom',
  cacheSynced: true,
  ready: true,
  readOnly: false,
  informers: [{ resource: 'pods', synced: true, state: 'synced', lastSyncAt: '2026-12-01T22:00:00Z' }],
  promQueries: 3,
  prometheus: {
    url: 'http://prom',
    breaker: 'closed',
    consecutiveFailures: 0,
    lastSuccessAt: '2026-12-01T22:40:55Z',
    queriesSent: 3,
    probesSent: 0,
  },
  now: '2026-12-01T22:41:10Z',
};

const input = (status: ServerStatus | undefined, statusFailed = false) => ({
  status,
  statusFailed,
  statusUpdatedAt: at('22:41:10'),
  now: at('22:41:10'),
  formatTime: time,
});

describe('staleNotices', () => {
  it('says nothing while everything answers', () => {
    expect(staleNotices(input(healthy))).toEqual([]);
  });

  it('says Prometheus is down, since when, and the age of the last good data', () => {
    const status: ServerStatus = {
      ...healthy,
      prometheus: {
        ...healthy.prometheus!,
        breaker: 'open',
        failingSince: '2026-12-01T22:41:03Z',
        lastError: { kind: 'down', message: 'x', reason: 'connection refused', at: '2026-12-01T22:41:05Z' },
      },
    };
    expect(staleNotices(input(status))).toEqual([
      {
        source: 'prometheus',
        title: 'Prometheus is not answering (connection refused) since 22:41:03.',
        detail: 'Last good data at 22:40:55 (15 s old). Showing configuration only.',
      },
    ]);
  });

  it('says Prometheus is slow', () => {
    const status: ServerStatus = {
      ...healthy,
      prometheus: {
        ...healthy.prometheus!,
        breaker: 'half_open',
        lastSuccessAt: undefined,
        lastError: {
          kind: 'slow',
          message: 'x',
          reason: 'no answer within 1500 ms',
          at: '2026-12-01T22:41:05Z',
        },
      },
    };
    expect(staleNotices(input(status))[0]).toMatchObject({
      title: 'Prometheus is too slow (no answer within 1500 ms).',
      detail: 'No traffic data since Sextant started. Showing configuration only.',
    });
  });

  it('says the Kubernetes API server is not answering and how old the configuration is', () => {
    const status: ServerStatus = {
      ...healthy,
      cacheSynced: false,
      informers: [
        ...healthy.informers,
        {
          resource: 'services',
          synced: false,
          state: 'failing',
          lastSyncAt: '2026-12-01T22:00:00Z',
          failingSince: '2026-12-01T22:39:10Z',
          lastError:
            'request to https://127.0.0.1:6443/api/v1/namespaces?watch=true failed, reason: connect ECONNREFUSED 127.0.0.1:6443',
        },
      ],
    };
    expect(staleNotices(input(status))).toEqual([
      {
        source: 'kubernetes',
        title: 'The Kubernetes API server is not answering (connection refused) since 22:39:10.',
        detail:
          'Configuration shown is from then (2 min old): lists, the graph and editors may be out of date. Sextant reconnects by itself.',
      },
    ]);
  });

  it('says the Sextant server is not answering once a poll fails, keeping the last status', () => {
    const notices = staleNotices({ ...input(healthy, true), now: at('22:43:10') });
    expect(notices).toEqual([
      {
        source: 'server',
        title: 'Sextant’s server is not answering.',
        detail: 'What you see is from 22:41:10 (2 min old) and will not change until it answers again.',
      },
    ]);
    // Never loaded at all: the pages say so themselves.
    expect(staleNotices({ ...input(undefined, true), statusUpdatedAt: 0 })).toEqual([]);
  });
});

describe('formatAge', () => {
  it('rounds the way people say it', () => {
    expect(formatAge(4_400)).toBe('4 s');
    expect(formatAge(89_000)).toBe('89 s');
    expect(formatAge(150_000)).toBe('3 min');
    expect(formatAge(3 * 3600_000)).toBe('3 h');
  });
});
