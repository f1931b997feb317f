import type { z } from 'zod';
import { AuthorizationPolicy } from './authorizationPolicy';
import { DestinationRule } from './destinationRule';
import { Gateway } from './gateway';
import { PeerAuthentication } from './peerAuthentication';
import { RequestAuthentication } from './requestAuthentication';
import { ServiceEntry } from './serviceEntry';
import { Sidecar } from './sidecar';
import { VirtualService } from './virtualService';

/** The schema of each Istio kind Sextant reads. */
export const ISTIO_SCHEMAS = {
  VirtualService,
  DestinationRule,
  Gateway,
  ServiceEntry,
  Sidecar,
  PeerAuthentication,
  AuthorizationPolicy,
  RequestAuthentication,
} as const;

export type IstioKind = keyof typeof ISTIO_SCHEMAS;
export type IstioKindMap = { [K in IstioKind]: z.infer<(typeof ISTIO_SCHEMAS)[K]> };
/** Any of the Istio objects Sextant reads, told apart by `kind`. */
export type IstioResource = IstioKindMap[IstioKind];

export const isIstioKind = (kind: unknown): kind is IstioKind =>
  typeof kind === 'string' && Object.hasOwn(ISTIO_SCHEMAS, kind);

/** One field that does not have the type Istio gives it, e.g. `spec.http[0].route: expected array`. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** An object that did not parse, kept as received (with its `kind`) so it can be shown and fixed. */
export interface UnreadableIstioObject {
  kind: IstioKind;
  object: {
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: unknown };
    [k: string]: unknown;
  };
  issues: SchemaIssue[];
}

export type ParsedIstioObject<K extends IstioKind> =
  { ok: true; object: IstioKindMap[K] } | { ok: false; unreadable: UnreadableIstioObject };

/** `spec.http[0].route[1].destination` from zod's path. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Types an object of `kind` as received from the API server (list items often come without
 * `kind`; it is filled in). PERFORMANCE: the schemas have no transforms or defaults, so an object
 * that passes is returned as it came (no copy) unless `kind` had to be added; call this once per
 * object version (the cache memoizes it), never per request.
 *
 * An object that fails comes back as `unreadable` with every field at fault, so the caller keeps
 * it and validations report it instead of the cache failing.
 */
export function parseIstioObject<K extends IstioKind>(kind: K, raw: unknown): ParsedIstioObject<K> {
  const withKind: unknown = isRecord(raw) && raw.kind === undefined ? { ...raw, kind } : raw;
  const schema = ISTIO_SCHEMAS[kind] as unknown as z.ZodType<IstioKindMap[K]>;
  const result = schema.safeParse(withKind);
  if (result.success) return { ok: true, object: withKind as IstioKindMap[K] };
  const base = isRecord(withKind) ? withKind : {};
  const meta = isRecord(base.metadata) ? base.metadata : {};
  return {
    ok: false,
    unreadable: {
      kind,
      object: {
        ...base,
        kind: typeof base.kind === 'string' ? base.kind : kind,
        metadata: {
          ...meta,
          name: typeof meta.name === 'string' ? meta.name : '',
          ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
        },
      },
      issues: result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
    },
  };
}

/**
 * The object typed as `kind`, or undefined when there is none or it does not match the schema
 * (the server refuses to plan on such an object and says which field is wrong).
 */
export function asIstioObject<K extends IstioKind>(kind: K, o: unknown): IstioKindMap[K] | undefined {
  if (o === null || o === undefined) return undefined;
  const parsed = parseIstioObject(kind, o);
  return parsed.ok ? parsed.object : undefined;
}
