/** Label and field selectors in the syntax kubectl and client-go send. */
import type { KubeObject } from '../cluster/types';
import { badRequest } from './status';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside `( … )`. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

function parseLabelSelector(selector: string): Requirement[] {
  return splitTerms(selector).map((term): Requirement => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (m) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values };
    }
    m = /^([^\s!=]+)\s*(!=|==|=)\s*(\S*)$/.exec(term);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1] ?? '', value: m[3] ?? '' };
    m = /^!\s*([^\s!=]+)$/.exec(term);
    if (m) return { op: 'notexists', key: m[1] ?? '' };
    m = /^([^\s!=()]+)$/.exec(term);
    if (m) return { op: 'exists', key: m[1] ?? '' };
    throw badRequest(`unable to parse requirement: found '${term}', expected: valid label selector`);
  });
}

export function labelMatcher(selector: string | null | undefined): Matcher | undefined {
  if (!selector) return undefined;
  const reqs = parseLabelSelector(selector);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'eq':
          return has && v === r.value;
        case 'neq':
          return !has || v !== r.value;
        case 'in':
          return has && r.values.includes(v ?? '');
        case 'notin':
          return !has || !r.values.includes(v ?? '');
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
      return false;
    });
  };
}

const FIELD_PATHS: Record<string, string[]> = {
  'metadata.name': ['metadata', 'name'],
  'metadata.namespace': ['metadata', 'namespace'],
  'status.phase': ['status', 'phase'],
  'spec.nodeName': ['spec', 'nodeName'],
  'spec.type': ['spec', 'type'],
  type: ['type'],
  'involvedObject.kind': ['involvedObject', 'kind'],
  'involvedObject.name': ['involvedObject', 'name'],
  'involvedObject.namespace': ['involvedObject', 'namespace'],
  'involvedObject.uid': ['involvedObject', 'uid'],
  'involvedObject.apiVersion': ['involvedObject', 'apiVersion'],
  'involvedObject.resourceVersion': ['involvedObject', 'resourceVersion'],
  'involvedObject.fieldPath': ['involvedObject', 'fieldPath'],
  reason: ['reason'],
  source: ['source', 'component'],
};

function fieldValue(obj: KubeObject, path: string[]): string {
  let cur: unknown = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  return typeof cur === 'string' ? cur : cur === undefined ? '' : JSON.stringify(cur);
}

export function fieldMatcher(selector: string | null | undefined): Matcher | undefined {
  if (!selector) return undefined;
  const reqs = splitTerms(selector).map((term) => {
    const m = /^([^\s!=]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const key = m[1] ?? '';
    const path = FIELD_PATHS[key];
    if (!path) throw badRequest(`field label not supported: ${key}`);
    return { path, neq: m[2] === '!=', value: m[3] ?? '' };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.neq);
}

/** Combines optional matchers into one (AND). */
export function allOf(...matchers: (Matcher | undefined)[]): Matcher | undefined {
  const ms = matchers.filter((m): m is Matcher => m !== undefined);
  if (ms.length === 0) return undefined;
  return (obj) => ms.every((m) => m(obj));
}
