/**
 * Validates custom objects against their CRD's openAPIV3Schema with ajv, reporting errors the
 * way kube-apiserver does (422 Invalid, `field: Required value`, …).
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { KubeObject } from '../cluster/types';
import type { ResourceInfo } from './registry';
import type { StatusCause } from './status';
import { invalid } from './status';

const K8S_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
];

/** `/spec/http/0/route` → `spec.http[0].route` */
function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra) parts.push(extra);
  let out = '';
  for (const raw of parts) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: unknown = obj;
  for (const raw of instancePath.split('/').slice(1)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function toCause(err: ErrorObject, obj: unknown): StatusCause | undefined {
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: fieldPath(err.instancePath, String(params.missingProperty)),
      };
    case 'type': {
      const field = fieldPath(err.instancePath);
      const value = valueAt(obj, err.instancePath);
      const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      return {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${actual}": ${field} in body must be of type ${String(params.type)}: "${actual}"`,
        field,
      };
    }
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(valueAt(obj, err.instancePath))}: supported values: ${allowed
          .map((v) => JSON.stringify(v))
          .join(', ')}`,
        field: fieldPath(err.instancePath),
      };
    }
    case 'anyOf':
    case 'oneOf':
    case 'not':
    case 'if':
      return undefined; // their sub-errors (or the generic fallback below) say more
    default:
      return {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(valueAt(obj, err.instancePath)) ?? 'null'}: ${err.message ?? 'invalid'}`,
        field: fieldPath(err.instancePath),
      };
  }
}

/**
 * Drops, in place, the fields a structural schema does not declare (kube-apiserver prunes
 * them from custom objects) and returns their paths (`spec.http[0].foo`).
 */
function prune(schema: unknown, value: unknown, path: string, unknown: string[]): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(value)) {
    if (s.items) value.forEach((item, i) => prune(s.items, item, `${path}[${i}]`, unknown));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  const properties =
    s.properties && typeof s.properties === 'object' ? (s.properties as Record<string, unknown>) : undefined;
  const additional = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!properties && additional === undefined) return; // untyped object: keep everything
  for (const key of Object.keys(obj)) {
    const child = path ? `${path}.${key}` : key;
    if (properties && key in properties) prune(properties[key], obj[key], child, unknown);
    else if (additional && typeof additional === 'object') prune(additional, obj[key], child, unknown);
    else if (additional === true || preserve) continue;
    else {
      unknown.push(child);
      delete obj[key];
    }
  }
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
    this.ajv.addVocabulary(K8S_KEYWORDS);
  }

  /** Drops compiled schemas (a CRD changed). */
  forget(info: ResourceInfo): void {
    for (const key of [...this.compiled.keys()])
      if (key.startsWith(`${info.resource}.${info.group}/`)) this.compiled.delete(key);
  }

  /** Prunes undeclared fields of a custom object in place; returns their paths. */
  prune(info: ResourceInfo, version: string, obj: KubeObject): string[] {
    if (!info.custom) return [];
    const schema = info.schemas.get(version) ?? info.schemas.get(info.storageVersion);
    const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
    if (!properties) return [];
    const unknown: string[] = [];
    for (const key of Object.keys(obj)) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      if (key in properties) prune(properties[key], obj[key], key, unknown);
      else if ((schema as Record<string, unknown>)['x-kubernetes-preserve-unknown-fields'] !== true) {
        unknown.push(key);
        delete obj[key];
      }
    }
    return unknown;
  }

  /** Throws a 422 Invalid StatusError when a custom object does not match its schema. */
  validate(info: ResourceInfo, version: string, obj: KubeObject): void {
    if (!info.custom) return;
    const schema = info.schemas.get(version) ?? info.schemas.get(info.storageVersion);
    if (!schema) return;
    const key = `${info.resource}.${info.group}/${version}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema as object);
      this.compiled.set(key, fn);
    }
    // Only the body is described by the schema; metadata is validated by the server itself.
    const body: Record<string, unknown> = { ...obj };
    delete body.metadata;
    delete body.apiVersion;
    delete body.kind;
    if (fn(body)) return;
    const causes: StatusCause[] = [];
    for (const err of fn.errors ?? []) {
      const cause = toCause(err, body);
      if (cause && !causes.some((c) => c.field === cause.field && c.message === cause.message))
        causes.push(cause);
    }
    if (causes.length === 0) {
      const first = fn.errors?.[0];
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "object": ${first?.message ?? 'invalid'}`,
        field: fieldPath(first?.instancePath ?? ''),
      });
    }
    throw invalid(info.kind, info.group, obj.metadata.name, causes);
  }
}
