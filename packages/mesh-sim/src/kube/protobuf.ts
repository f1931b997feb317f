/**
 * Just enough protobuf to read the SelfSubjectAccessReview that `kubectl auth can-i` posts
 * (KUBE-SIM §6.3). kubectl does not retry with JSON when the server answers 415, so the
 * simulator has to read this one message; every other request arrives as JSON.
 *
 * Wire layout: magic `k8s\0`, then a `runtime.Unknown`
 *   {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}
 * whose `raw` is the SelfSubjectAccessReview
 *   {1: metadata, 2: spec {1: resourceAttributes, 2: nonResourceAttributes}, 3: status}.
 */

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface SelfSubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const RESOURCE_FIELDS: Record<number, keyof ResourceAttributes> = {
  1: 'namespace',
  2: 'verb',
  3: 'group',
  4: 'version',
  5: 'resource',
  6: 'subresource',
  7: 'name',
};

const NON_RESOURCE_FIELDS: Record<number, keyof NonResourceAttributes> = { 1: 'path', 2: 'verb' };

/** Decodes the spec of a protobuf SelfSubjectAccessReview; throws on a malformed body. */
export function decodeSelfSubjectAccessReview(body: Buffer): SelfSubjectAccessReviewSpec {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not a Kubernetes protobuf message (missing k8s\\0 magic)');
  }
  const unknown = readFields(body.subarray(MAGIC.length));
  const raw = unknown.get(2)?.[0];
  if (raw === undefined) throw new Error('runtime.Unknown has no raw field');

  const spec = readFields(raw).get(2)?.[0];
  const result: SelfSubjectAccessReviewSpec = {};
  if (spec === undefined) return result;
  const fields = readFields(spec);

  const resource = fields.get(1)?.[0];
  if (resource !== undefined) result.resourceAttributes = readStrings(resource, RESOURCE_FIELDS);
  const nonResource = fields.get(2)?.[0];
  if (nonResource !== undefined) result.nonResourceAttributes = readStrings(nonResource, NON_RESOURCE_FIELDS);
  return result;
}

function readStrings(message: Buffer, names: Record<number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, values] of readFields(message)) {
    const name = names[field];
    const value = values[values.length - 1];
    if (name !== undefined && value !== undefined) out[name] = value.toString('utf8');
  }
  return out;
}

/**
 * Length-delimited fields of one message, by field number. Varint and fixed-width fields are
 * skipped: nothing this decoder needs uses them.
 */
function readFields(message: Buffer): Map<number, Buffer[]> {
  const fields = new Map<number, Buffer[]>();
  let offset = 0;
  while (offset < message.length) {
    const key = readVarint(message, offset);
    offset = key.next;
    const field = Math.floor(key.value / 8);
    const wireType = key.value & 7;
    switch (wireType) {
      case 0:
        offset = readVarint(message, offset).next;
        break;
      case 1:
        offset += 8;
        break;
      case 5:
        offset += 4;
        break;
      case 2: {
        const length = readVarint(message, offset);
        const end = length.next + length.value;
        if (end > message.length) throw new Error('protobuf field runs past the end of the message');
        const list = fields.get(field) ?? [];
        list.push(message.subarray(length.next, end));
        fields.set(field, list);
        offset = end;
        break;
      }
      default:
        throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
    if (offset > message.length) throw new Error('protobuf field runs past the end of the message');
  }
  return fields;
}

function readVarint(buffer: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  let multiplier = 1;
  // A varint has at most 10 bytes; lengths and tags here fit well within 2^53.
  for (let i = 0; i < 10; i++) {
    const byte = buffer[start + i];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, next: start + i + 1 };
    multiplier *= 128;
  }
  throw new Error('protobuf varint too long');
}

/**
 * The namespace of a protobuf SelfSubjectRulesReview (`kubectl auth can-i --list`):
 * raw = {1: metadata, 2: spec {1: namespace}, 3: status}.
 */
export function decodeSelfSubjectRulesReviewNamespace(body: Buffer): string {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not a Kubernetes protobuf message (missing k8s\\0 magic)');
  }
  const raw = readFields(body.subarray(MAGIC.length)).get(2)?.[0];
  if (raw === undefined) throw new Error('runtime.Unknown has no raw field');
  const spec = readFields(raw).get(2)?.[0];
  if (spec === undefined) return '';
  return readFields(spec).get(1)?.[0]?.toString('utf8') ?? '';
}
