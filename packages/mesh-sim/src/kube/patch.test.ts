import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, serverSideApply, strategicMergePatch } from './patch';
import { StatusError } from './status';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, replaces arrays, deletes on null', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 1 }, e: [3] })).toEqual({
      a: 1,
      b: { d: 3, x: 1 },
      e: [3],
    });
  });
});

describe('jsonPatch (RFC 6902)', () => {
  it('applies operations without touching the input', () => {
    const doc = { spec: { hosts: ['a'] } };
    expect(jsonPatch(doc, [{ op: 'add', path: '/spec/hosts/-', value: 'b' }])).toEqual({
      spec: { hosts: ['a', 'b'] },
    });
    expect(doc.spec.hosts).toEqual(['a']);
  });
  it('fails a bad operation with the generic 422 of kube-apiserver', () => {
    let err: unknown;
    try {
      jsonPatch({ spec: {} }, [{ op: 'remove', path: '/spec/nothing' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).body).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    });
  });
});

describe('strategicMergePatch', () => {
  const deployment = {
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            { name: 'side', image: 'envoy' },
          ],
        },
      },
    },
  };

  it('merges lists by key and honours $patch: delete (the patch kubectl apply sent)', () => {
    const patch = {
      spec: {
        replicas: 2,
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'B' }],
                env: [
                  { name: 'B', value: '3' },
                  { $patch: 'delete', name: 'A' },
                ],
                image: 'nginx:1.26',
                name: 'web',
              },
              { $patch: 'delete', name: 'side' },
            ],
          },
        },
      },
    };
    expect(strategicMergePatch(deployment, patch)).toEqual({
      spec: {
        replicas: 2,
        template: {
          spec: { containers: [{ name: 'web', image: 'nginx:1.26', env: [{ name: 'B', value: '3' }] }] },
        },
      },
    });
  });

  it('merges Service ports on `port`', () => {
    const svc = { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    const patch = {
      spec: {
        '$setElementOrder/ports': [{ port: 81 }],
        ports: [
          { name: 'http', port: 81, targetPort: 8080 },
          { $patch: 'delete', port: 80 },
        ],
      },
    };
    expect(strategicMergePatch(svc, patch)).toEqual({
      spec: { ports: [{ name: 'http', port: 81, targetPort: 8080 }] },
    });
  });
});

describe('serverSideApply', () => {
  it('removes fields the same manager applied before and dropped now', () => {
    const current = { spec: { hosts: ['a'], gateways: ['mesh'], http: [1] }, status: { x: 1 } };
    const previous = { spec: { hosts: ['a'], gateways: ['mesh'] } };
    expect(serverSideApply(current, previous, { spec: { hosts: ['b'] } })).toEqual({
      spec: { hosts: ['b'], http: [1] },
      status: { x: 1 },
    });
  });
});
