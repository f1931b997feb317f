import { describe, expect, it } from 'vitest';
import { containerPort, labelSelector, pickPod } from './portForward';
import type { PodLike } from './portForward';

const pod = (
  name: string,
  o: { phase?: string; ready?: boolean; deleting?: boolean; created?: string } = {},
): PodLike => ({
  metadata: {
    name,
    creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
    ...(o.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
  },
  status: {
    phase: o.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});

describe('labelSelector', () => {
  it('joins labels as k=v pairs', () => {
    expect(labelSelector({ app: 'kiali', 'app.kubernetes.io/name': 'kiali' })).toBe(
      'app=kiali,app.kubernetes.io/name=kiali',
    );
  });
});

describe('pickPod', () => {
  it('skips pods that are not running or are being deleted', () => {
    const pods = [pod('a', { phase: 'Pending' }), pod('b', { deleting: true }), pod('c')];
    expect(pickPod(pods)?.metadata?.name).toBe('c');
  });

  it('prefers ready pods, then the newest', () => {
    const pods = [
      pod('old', { created: '2026-01-01T00:00:00Z' }),
      pod('new-unready', { created: '2026-01-03T00:00:00Z', ready: false }),
      pod('new', { created: '2026-01-02T00:00:00Z' }),
    ];
    expect(pickPod(pods)?.metadata?.name).toBe('new');
  });

  it('skips excluded pods and answers undefined when none is left', () => {
    expect(pickPod([pod('a'), pod('b')], new Set(['a']))?.metadata?.name).toBe('b');
    expect(pickPod([pod('a')], new Set(['a']))).toBeUndefined();
    expect(pickPod([])).toBeUndefined();
  });
});

describe('containerPort', () => {
  const withPorts: PodLike = {
    spec: {
      containers: [
        { ports: [{ name: 'reload', containerPort: 8080 }] },
        { ports: [{ name: 'http', containerPort: 9090 }] },
      ],
    },
  };
  it('resolves numbers, numeric strings and named ports', () => {
    expect(containerPort(withPorts, 9090)).toBe(9090);
    expect(containerPort(withPorts, '9090')).toBe(9090);
    expect(containerPort(withPorts, 'http')).toBe(9090);
    expect(containerPort(withPorts, 'grpc')).toBeUndefined();
  });
});
