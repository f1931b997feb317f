/**
 * The PATCH flavours kubectl and client-node send: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902, via fast-json-patch), the subset of strategic merge patch that kubectl's 3-way
 * apply and edit produce, and the bookkeeping server-side apply needs.
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { clone, isRecord } from './objects';
import { badRequest, genericInvalid } from './status';

/** RFC 7386: null deletes, objects merge recursively, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902. Any failing operation is a 422 with apiserver's generic text. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return fastJsonPatch.applyPatch(clone(target), ops as Operation[], true, true).newDocument;
  } catch {
    throw genericInvalid();
  }
}

/** Merge keys of built-in list fields (upstream `patchMergeKey` tags), by field name. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  secrets: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};
/** Lists merged as sets of primitives. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

function mergeKeyFor(field: string, parentPath: string[]): string | undefined {
  if (field === 'ports') {
    // Service spec.ports merge on `port`; container ports on `containerPort`.
    return parentPath.includes('containers') || parentPath.includes('initContainers')
      ? 'containerPort'
      : 'port';
  }
  return MERGE_KEYS[field];
}

function smpList(field: string, path: string[], target: unknown, patch: unknown[]): unknown[] {
  const key = mergeKeyFor(field, path);
  const base = Array.isArray(target) ? target : [];
  if (PRIMITIVE_MERGE.has(field)) {
    const out = [...base];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  if (!key) {
    return patch
      .filter((item) => !(isRecord(item) && item.$patch === 'replace'))
      .map((v) => stripDirectives(v));
  }
  if (patch.some((item) => isRecord(item) && item.$patch === 'replace')) {
    return patch
      .filter((item) => !(isRecord(item) && item.$patch === 'replace'))
      .map((v) => stripDirectives(v));
  }
  const out = base.map((v) => clone(v));
  for (const item of patch) {
    if (!isRecord(item)) continue;
    const idx = out.findIndex((o) => isRecord(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smp(out[idx], item, [...path, field]);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(val);
  }
  return out;
}

function smp(target: unknown, patch: unknown, path: string[]): unknown {
  if (!isRecord(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  let out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.filter((k): k is string => typeof k === 'string'));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(v) ? v : [];
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) out[k] = smpList(k, path, out[k], v);
    else if (isRecord(v)) {
      const merged = smp(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

/** Strategic merge patch (built-in kinds only; the caller refuses it for custom resources). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) throw badRequest('strategic merge patch body must be a JSON object');
  return smp(target, patch, []);
}

/**
 * Server-side apply, simplified: the fields a manager applied last time and dropped now are
 * removed (as null in a merge patch), then the new configuration is merged in. Lists are atomic.
 */
export function serverSideApply(current: unknown, previousApplied: unknown, applied: unknown): unknown {
  return mergePatch(current, withRemovals(previousApplied, applied));
}

function withRemovals(prev: unknown, next: unknown): unknown {
  if (!isRecord(next)) return next;
  const out: Record<string, unknown> = { ...next };
  if (isRecord(prev)) {
    for (const [k, v] of Object.entries(prev)) {
      if (!(k in next)) out[k] = null;
      else if (isRecord(v) && isRecord(next[k])) out[k] = withRemovals(v, next[k]);
    }
  }
  return out;
}
