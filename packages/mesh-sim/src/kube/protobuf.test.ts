import { describe, expect, it } from 'vitest';
import { decodeSelfSubjectAccessReview } from './protobuf';

// Hand-built protobuf, laid out the way kubectl's protobuf serializer writes it.
function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function bytesField(field: number, value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint(field * 8 + 2), varint(data.length), data]);
}

function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field * 8), varint(value)]);
}

function unknownEnvelope(raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([
    bytesField(1, 'authorization.k8s.io/v1'),
    bytesField(2, 'SelfSubjectAccessReview'),
  ]);
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    bytesField(1, typeMeta),
    bytesField(2, raw),
    bytesField(3, ''),
    bytesField(4, ''),
  ]);
}

describe('decodeSelfSubjectAccessReview', () => {
  it('reads resource attributes', () => {
    const resourceAttributes = Buffer.concat([
      bytesField(1, 'bookinfo'),
      bytesField(2, 'patch'),
      bytesField(3, 'networking.istio.io'),
      bytesField(4, 'v1'),
      bytesField(5, 'virtualservices'),
      bytesField(6, 'status'),
      bytesField(7, 'reviews'),
      // a newer field (labelSelector, a message) the decoder must skip
      bytesField(9, bytesField(1, 'app=reviews')),
    ]);
    const spec = bytesField(1, resourceAttributes);
    const metadata = Buffer.concat([bytesField(1, ''), varintField(7, 3)]);
    const ssar = Buffer.concat([
      bytesField(1, metadata),
      bytesField(2, spec),
      bytesField(3, Buffer.alloc(0)),
    ]);

    expect(decodeSelfSubjectAccessReview(unknownEnvelope(ssar))).toEqual({
      resourceAttributes: {
        namespace: 'bookinfo',
        verb: 'patch',
        group: 'networking.istio.io',
        version: 'v1',
        resource: 'virtualservices',
        subresource: 'status',
        name: 'reviews',
      },
    });
  });

  it('reads non-resource attributes and leaves absent fields out', () => {
    const nonResource = Buffer.concat([bytesField(1, '/healthz'), bytesField(2, 'get')]);
    const ssar = bytesField(2, bytesField(2, nonResource));
    expect(decodeSelfSubjectAccessReview(unknownEnvelope(ssar))).toEqual({
      nonResourceAttributes: { path: '/healthz', verb: 'get' },
    });

    const onlyVerb = bytesField(2, bytesField(1, bytesField(2, 'list')));
    expect(decodeSelfSubjectAccessReview(unknownEnvelope(onlyVerb))).toEqual({
      resourceAttributes: { verb: 'list' },
    });
  });

  it('handles multi-byte lengths', () => {
    const longName = 'x'.repeat(300);
    const ssar = bytesField(2, bytesField(1, Buffer.concat([bytesField(2, 'get'), bytesField(7, longName)])));
    expect(decodeSelfSubjectAccessReview(unknownEnvelope(ssar)).resourceAttributes?.name).toBe(longName);
  });

  it('rejects bodies that are not Kubernetes protobuf', () => {
    expect(() => decodeSelfSubjectAccessReview(Buffer.from('{"kind":"SelfSubjectAccessReview"}'))).toThrow(
      /magic/,
    );
    // cut inside `raw`: the four trailing bytes are the empty fields 3 and 4
    const truncated = unknownEnvelope(bytesField(2, bytesField(1, bytesField(2, 'get'))));
    expect(() => decodeSelfSubjectAccessReview(truncated.subarray(0, truncated.length - 6))).toThrow();
  });
});
