import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import {
  PROXY_IMAGE,
  STATUS_ANNOTATION,
  injectSidecar,
  isInjected,
  shouldInject,
  workloadName,
} from './injection';

function namespace(labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels } };
}

describe('shouldInject', () => {
  it('follows the namespace label', () => {
    expect(shouldInject(namespace({ 'istio-injection': 'enabled' }), {})).toBe(true);
    expect(shouldInject(namespace({ 'istio-injection': 'disabled' }), {})).toBe(false);
    expect(shouldInject(namespace({}), {})).toBe(false);
    expect(shouldInject(undefined, {})).toBe(false);
  });

  it('follows a revision label when there is no istio-injection label', () => {
    expect(shouldInject(namespace({ 'istio.io/rev': 'default' }), {})).toBe(true);
    expect(shouldInject(namespace({ 'istio.io/rev': 'default', 'istio-injection': 'disabled' }), {})).toBe(
      false,
    );
  });

  it('lets the pod opt in or out with the annotation or the label', () => {
    const enabled = namespace({ 'istio-injection': 'enabled' });
    expect(shouldInject(enabled, { annotations: { 'sidecar.istio.io/inject': 'false' } })).toBe(false);
    expect(shouldInject(enabled, { labels: { 'sidecar.istio.io/inject': 'false' } })).toBe(false);
    expect(shouldInject(namespace({}), { annotations: { 'sidecar.istio.io/inject': 'true' } })).toBe(true);
    expect(shouldInject(namespace({}), { labels: { 'sidecar.istio.io/inject': 'true' } })).toBe(true);
  });
});

describe('injectSidecar', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'reviews-v2-5b8c9d7f6x-abcde',
      namespace: 'bookinfo',
      labels: { app: 'reviews', version: 'v2', 'pod-template-hash': '5b8c9d7f6x' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'reviews-v2-5b8c9d7f6x',
          uid: 'u',
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3' }] },
  };

  it('adds istio-proxy and istio-init, the status annotation and the telemetry labels', () => {
    const injected = injectSidecar(pod);
    const spec = injected.spec as {
      containers: { name: string; image: string }[];
      initContainers: { name: string }[];
    };
    expect(spec.containers.map((c) => c.name)).toEqual(['reviews', 'istio-proxy']);
    expect(spec.containers[1]?.image).toBe(PROXY_IMAGE);
    expect(spec.initContainers.map((c) => c.name)).toEqual(['istio-init']);
    expect(injected.metadata.labels).toMatchObject({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'reviews',
      'service.istio.io/canonical-revision': 'v2',
    });
    const status = JSON.parse(injected.metadata.annotations?.[STATUS_ANNOTATION] ?? '{}') as {
      containers: string[];
    };
    expect(status.containers).toEqual(['istio-proxy']);
    expect(isInjected(injected)).toBe(true);
    expect(isInjected(pod)).toBe(false);
  });

  it('leaves the input untouched', () => {
    const before = JSON.stringify(pod);
    injectSidecar(pod);
    expect(JSON.stringify(pod)).toBe(before);
  });

  it('names the workload after the Deployment behind the ReplicaSet', () => {
    expect(workloadName(pod)).toBe('reviews-v2');
    const bare = { ...pod, metadata: { name: 'debug', namespace: 'bookinfo' } };
    expect(workloadName(bare)).toBe('debug');
    expect(injectSidecar(bare).metadata.labels?.['service.istio.io/canonical-name']).toBe('debug');
    expect(injectSidecar(bare).metadata.labels?.['service.istio.io/canonical-revision']).toBe('latest');
  });
});
