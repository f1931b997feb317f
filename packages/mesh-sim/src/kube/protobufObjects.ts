/**
 * kubectl's generator commands (`kubectl create namespace|configmap|secret|serviceaccount`)
 * post protobuf, and kubectl does not retry with JSON on 415. This decodes those few kinds
 * (metadata plus their simple fields) into JSON objects; other kinds stay 415.
 * Field numbers are those of k8s.io/api/core/v1/generated.proto.
 */
import type { KubeObject, ObjectMeta } from '../cluster/types';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Field = Buffer | bigint;

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new Error('varint too long');
}

function readFields(buf: Buffer): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: Field;
    if (wire === 0) {
      [value, pos] = readVarint(buf, pos);
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, pos);
      pos = start + Number(len);
      if (pos > buf.length) throw new Error('truncated field');
      value = buf.subarray(start, pos);
    } else if (wire === 1) {
      value = buf.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      value = buf.subarray(pos, pos + 4);
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

function str(fields: Map<number, Field[]>, n: number): string | undefined {
  const v = fields.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function bytesList(fields: Map<number, Field[]>, n: number): Buffer[] {
  return (fields.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
}

function map(
  fields: Map<number, Field[]>,
  n: number,
  encode: (b: Buffer) => string,
): Record<string, string> | undefined {
  const entries = bytesList(fields, n);
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = readFields(e);
    const value = kv.get(2)?.[0];
    out[str(kv, 1) ?? ''] = Buffer.isBuffer(value) ? encode(value) : '';
  }
  return out;
}

const utf8 = (b: Buffer): string => b.toString('utf8');
const base64 = (b: Buffer): string => b.toString('base64');

function meta(buf: Buffer | undefined): ObjectMeta {
  const f = buf ? readFields(buf) : new Map<number, Field[]>();
  const m: ObjectMeta = { name: str(f, 1) ?? '' };
  const generateName = str(f, 2);
  if (generateName) m.generateName = generateName;
  const namespace = str(f, 3);
  if (namespace) m.namespace = namespace;
  const resourceVersion = str(f, 6);
  if (resourceVersion) m.resourceVersion = resourceVersion;
  const labels = map(f, 11, utf8);
  if (labels) m.labels = labels;
  const annotations = map(f, 12, utf8);
  if (annotations) m.annotations = annotations;
  const finalizers = bytesList(f, 14).map(utf8);
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

/** PolicyRule {1 verbs, 2 apiGroups, 3 resources, 4 resourceNames, 5 nonResourceURLs}. */
function policyRule(buf: Buffer): Record<string, string[]> {
  const f = readFields(buf);
  const out: Record<string, string[]> = { verbs: bytesList(f, 1).map(utf8) };
  const names = ['', '', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'];
  for (let n = 2; n <= 5; n++) {
    const values = bytesList(f, n).map(utf8);
    if (values.length) out[names[n] ?? ''] = values;
  }
  return out;
}

function labelSelector(buf: Buffer): Record<string, unknown> {
  const f = readFields(buf);
  const out: Record<string, unknown> = {};
  const matchLabels = map(f, 1, utf8);
  if (matchLabels) out.matchLabels = matchLabels;
  const exprs = bytesList(f, 2).map((e) => {
    const x = readFields(e);
    return { key: str(x, 1) ?? '', operator: str(x, 2) ?? '', values: bytesList(x, 3).map(utf8) };
  });
  if (exprs.length) out.matchExpressions = exprs;
  return out;
}

/**
 * `kubectl create role|clusterrole|rolebinding|clusterrolebinding` (rbac/v1 generated.proto):
 * Role {1 metadata, 2 rules}; ClusterRole {…, 3 aggregationRule {1 clusterRoleSelectors}};
 * (Cluster)RoleBinding {1 metadata, 2 subjects {1 kind, 2 apiGroup, 3 name, 4 namespace},
 * 3 roleRef {1 apiGroup, 2 kind, 3 name}}.
 */
function rbacObject(
  apiVersion: string,
  kind: string,
  metadata: ObjectMeta,
  f: Map<number, Field[]>,
): KubeObject | undefined {
  const obj: KubeObject = { apiVersion, kind, metadata };
  switch (kind) {
    case 'Role':
    case 'ClusterRole': {
      obj.rules = bytesList(f, 2).map(policyRule);
      const aggregation = bytesList(f, 3)[0];
      if (kind === 'ClusterRole' && aggregation) {
        obj.aggregationRule = {
          clusterRoleSelectors: bytesList(readFields(aggregation), 1).map(labelSelector),
        };
      }
      return obj;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      obj.subjects = bytesList(f, 2).map((b) => {
        const x = readFields(b);
        const subject: Record<string, string> = { kind: str(x, 1) ?? '', name: str(x, 3) ?? '' };
        const apiGroup = str(x, 2);
        if (apiGroup) subject.apiGroup = apiGroup;
        const namespace = str(x, 4);
        if (namespace) subject.namespace = namespace;
        return subject;
      });
      const ref = bytesList(f, 3)[0];
      const r = ref ? readFields(ref) : new Map<number, Field[]>();
      obj.roleRef = { apiGroup: str(r, 1) ?? '', kind: str(r, 2) ?? '', name: str(r, 3) ?? '' };
      return obj;
    }
    default:
      return undefined;
  }
}

/** Decodes a protobuf body of a supported core/v1 or rbac/v1 kind, or returns undefined. */
export function decodeProtobufObject(body: Buffer): KubeObject | undefined {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const unknown = readFields(body.subarray(MAGIC.length));
  const typeMeta = unknown.get(1)?.[0];
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(typeMeta) || !Buffer.isBuffer(raw)) return undefined;
  const tm = readFields(typeMeta);
  const apiVersion = str(tm, 1) ?? '';
  const kind = str(tm, 2) ?? '';
  const f = readFields(raw);
  const metadata = meta(bytesList(f, 1)[0]);
  if (apiVersion === 'rbac.authorization.k8s.io/v1') return rbacObject(apiVersion, kind, metadata, f);
  if (apiVersion !== 'v1') return undefined;
  switch (kind) {
    case 'Namespace':
      return { apiVersion, kind, metadata };
    case 'ServiceAccount':
      return { apiVersion, kind, metadata };
    case 'ConfigMap': {
      const obj: KubeObject = { apiVersion, kind, metadata };
      const data = map(f, 2, utf8);
      if (data) obj.data = data;
      const binaryData = map(f, 3, base64);
      if (binaryData) obj.binaryData = binaryData;
      return obj;
    }
    case 'Secret': {
      const obj: KubeObject = { apiVersion, kind, metadata };
      const data = map(f, 2, base64);
      if (data) obj.data = data;
      const type = str(f, 3);
      if (type) obj.type = type;
      const stringData = map(f, 4, utf8);
      if (stringData)
        obj.data = {
          ...(data ?? {}),
          ...Object.fromEntries(
            Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
        };
      return obj;
    }
    default:
      return undefined;
  }
}

export interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind: string; apiVersion: string; name: string; uid: string };
}

/**
 * The spec of the protobuf TokenRequest `kubectl create token` posts (authentication/v1):
 * {1 metadata, 2 spec {1 audiences, 3 boundObjectRef {1 kind, 2 apiVersion, 3 name, 4 uid},
 * 4 expirationSeconds}}.
 */
export function decodeTokenRequest(body: Buffer): TokenRequestSpec | undefined {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const raw = readFields(body.subarray(MAGIC.length)).get(2)?.[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  const specBuf = bytesList(readFields(raw), 2)[0];
  const spec = specBuf ? readFields(specBuf) : new Map<number, Field[]>();
  const out: TokenRequestSpec = { audiences: bytesList(spec, 1).map(utf8) };
  const exp = spec.get(4)?.[0];
  if (typeof exp === 'bigint') out.expirationSeconds = Number(exp);
  const ref = bytesList(spec, 3)[0];
  if (ref) {
    const r = readFields(ref);
    out.boundObjectRef = {
      kind: str(r, 1) ?? '',
      apiVersion: str(r, 2) ?? '',
      name: str(r, 3) ?? '',
      uid: str(r, 4) ?? '',
    };
  }
  return out;
}
