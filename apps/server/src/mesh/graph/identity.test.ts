import { describe, expect, it } from 'vitest';
import { calleeNode, callerNode, serviceNode, workloadNode } from './identity';
import { indexConfig } from './model';
import { bookinfoConfig } from './__fixtures__/bookinfo';

const peer = { workload: 'reviews-v4', namespace: 'bookinfo', app: 'reviews', version: 'v4' };

describe('node identity from labels', () => {
  it('names a workload per graph type from its labels alone', () => {
    expect(workloadNode('versionedApp', peer).id).toBe('app:bookinfo:reviews:v4');
    expect(workloadNode('app', peer).id).toBe('app:bookinfo:reviews');
    expect(workloadNode('workload', peer)).toMatchObject({
      id: 'wl:bookinfo:reviews-v4',
      app: 'reviews',
      version: 'v4',
    });
    expect(workloadNode('service', peer).nodeType).toBe('workload');
  });
  it('keeps a workload without an app label a workload; without a version, the app', () => {
    expect(workloadNode('versionedApp', { workload: 'job', namespace: 'x' }).id).toBe('wl:x:job');
    expect(workloadNode('versionedApp', { workload: 'a-1', namespace: 'x', app: 'a' }).id).toBe('app:x:a');
  });
  it('the unknown caller, and an unknown destination per service namespace', () => {
    expect(callerNode('versionedApp', { workload: 'unknown', namespace: 'unknown' }).id).toBe('unknown');
    const d = {
      service: 'reviews',
      serviceNamespace: 'bookinfo',
      workload: 'unknown',
      workloadNamespace: 'unknown',
    };
    expect(calleeNode('versionedApp', d)).toEqual({
      id: 'unknown-dest:bookinfo',
      nodeType: 'unknown',
      namespace: 'bookinfo',
    });
  });
  it('services: known, reached, or external', () => {
    const index = indexConfig(bookinfoConfig());
    const d = {
      service: 'reviews',
      serviceNamespace: 'bookinfo',
      workload: 'unknown',
      workloadNamespace: 'unknown',
    };
    expect(serviceNode(index, d)?.nodeType).toBe('service');
    expect(serviceNode(index, { ...d, service: 'gone', workload: 'gone-v1' })?.nodeType).toBe('service');
    expect(serviceNode(index, { ...d, service: 'api.example.com' })?.nodeType).toBe('external');
    expect(serviceNode(index, { ...d, service: 'unknown' })).toBeUndefined();
  });
  it('resolves the raw Host header Envoy reports when it found no cluster, from the caller’s namespace', () => {
    const index = indexConfig(bookinfoConfig());
    const d = {
      service: 'reviews:9080',
      serviceNamespace: 'unknown',
      workload: 'unknown',
      workloadNamespace: 'unknown',
    };
    expect(serviceNode(index, d, 'bookinfo')?.id).toBe('svc:bookinfo:reviews');
    expect(serviceNode(index, { ...d, service: 'reviews.bookinfo.svc.cluster.local' }, 'curl')?.id).toBe(
      'svc:bookinfo:reviews',
    );
    expect(serviceNode(index, { ...d, service: 'nowhere' }, 'bookinfo')).toMatchObject({
      nodeType: 'external',
    });
  });
});
