import { parseIstioObject } from '@sextant/shared';
import type { IstioObjectWithValidations, Severity, Validation } from '@sextant/shared';
import { z } from 'zod';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';

/** The Istio kinds Sextant lists and edits, with their API group and plural (the URL segment). */
export const ISTIO_KINDS = [
  { kind: 'VirtualService', plural: 'virtualservices', apiVersion: 'networking.istio.io/v1' },
  { kind: 'DestinationRule', plural: 'destinationrules', apiVersion: 'networking.istio.io/v1' },
  { kind: 'Gateway', plural: 'gateways', apiVersion: 'networking.istio.io/v1' },
  { kind: 'ServiceEntry', plural: 'serviceentries', apiVersion: 'networking.istio.io/v1' },
  { kind: 'Sidecar', plural: 'sidecars', apiVersion: 'networking.istio.io/v1' },
  { kind: 'PeerAuthentication', plural: 'peerauthentications', apiVersion: 'security.istio.io/v1' },
  { kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', apiVersion: 'security.istio.io/v1' },
  { kind: 'RequestAuthentication', plural: 'requestauthentications', apiVersion: 'security.istio.io/v1' },
] as const;
export type IstioKindInfo = (typeof ISTIO_KINDS)[number];

export const kindOfPlural = (plural: string): IstioKindInfo | undefined =>
  ISTIO_KINDS.find((k) => k.plural === plural);
export const kindInfo = (kind: string): IstioKindInfo | undefined => ISTIO_KINDS.find((k) => k.kind === kind);

/** The worst severity among the findings, or `valid`. */
export type ValidationState = Severity | 'valid';
const RANK: Record<ValidationState, number> = { error: 3, warning: 2, info: 1, valid: 0 };

export function validationState(validations: readonly Validation[]): ValidationState {
  let worst: ValidationState = 'valid';
  for (const v of validations) if (RANK[v.severity] > RANK[worst]) worst = v.severity;
  return worst;
}

/** The list page's filters; all live in the URL (`/istio?namespace=&kind=&name=&state=`). */
export interface ConfigFilters {
  namespace: string;
  kind: string;
  name: string;
  state: ValidationState | '';
}

const STATES: readonly string[] = ['error', 'warning', 'info', 'valid'];

export function parseConfigFilters(search: string): ConfigFilters {
  const p = new URLSearchParams(search);
  const state = p.get('state') ?? '';
  const kind = p.get('kind') ?? '';
  return {
    namespace: p.get('namespace') ?? '',
    kind: kindInfo(kind) ? kind : '',
    name: p.get('name') ?? '',
    state: STATES.includes(state) ? (state as ValidationState) : '',
  };
}

export function configFiltersSearch(f: ConfigFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Kind, name (substring, any case) and validation state; the namespace is filtered by the server. */
export function filterItems(
  items: readonly IstioObjectWithValidations[],
  f: ConfigFilters,
): IstioObjectWithValidations[] {
  const name = f.name.trim().toLowerCase();
  return items
    .filter((i) => !f.kind || i.object.kind === f.kind)
    .filter((i) => !name || i.object.metadata.name.toLowerCase().includes(name))
    .filter((i) => !f.state || validationState(i.validations) === f.state)
    .sort(
      (a, b) =>
        (a.object.metadata.namespace ?? '').localeCompare(b.object.metadata.namespace ?? '') ||
        (a.object.kind ?? '').localeCompare(b.object.kind ?? '') ||
        a.object.metadata.name.localeCompare(b.object.metadata.name),
    );
}

/** How many objects are at each worst severity. */
export function stateCounts(items: readonly IstioObjectWithValidations[]): Record<ValidationState, number> {
  const counts: Record<ValidationState, number> = { error: 0, warning: 0, info: 0, valid: 0 };
  for (const i of items) counts[validationState(i.validations)] += 1;
  return counts;
}

/** The object as a person edits it: server bookkeeping (managedFields, status) left out. */
export function objectToYaml(object: Record<string, unknown>): string {
  const { status: _status, ...rest } = object;
  const metadata = typeof rest.metadata === 'object' && rest.metadata !== null ? { ...rest.metadata } : {};
  delete (metadata as Record<string, unknown>).managedFields;
  return stringify({ ...rest, metadata }, { lineWidth: 0 });
}

/** A unified diff of two YAML texts, for the preview and the conflict view (no `===` banner line). */
export function yamlDiff(name: string, before: string, after: string, labels = ['cluster', 'yours']): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(
    `${name} (${labels[0]})`,
    `${name} (${labels[1]})`,
    before,
    after,
    undefined,
    undefined,
    {
      context: 3,
    },
  );
  return patch
    .split('\n')
    .filter((l) => !/^=+$/.test(l))
    .join('\n');
}

/** What a YAML document must be before anything else is checked: one mapping. */
const Document = z.looseObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: z.looseObject({ name: z.unknown().optional(), namespace: z.unknown().optional() }).optional(),
});

/**
 * What is wrong with the edited document before it is worth sending: it must be one Istio object,
 * the kind the page is about, with a name (the same name when editing), and every field Sextant
 * knows of the type Istio gives it (the schema the server reads objects with).
 */
export function checkEdited(
  value: unknown,
  expected: { kind?: string; name?: string; namespace?: string },
):
  | { ok: true; object: Record<string, unknown>; kind: IstioKindInfo; name: string; namespace?: string }
  | { ok: false; message: string } {
  const doc = Document.safeParse(value);
  if (!doc.success)
    return {
      ok: false,
      message: 'The YAML must be one object (a mapping with apiVersion, kind, metadata, spec).',
    };
  const object = doc.data;
  const kind = typeof object.kind === 'string' ? kindInfo(object.kind) : undefined;
  if (!kind) {
    return {
      ok: false,
      message: `kind: must be one of the Istio kinds (${ISTIO_KINDS.map((k) => k.kind).join(', ')}).`,
    };
  }
  if (expected.kind && kind.kind !== expected.kind)
    return {
      ok: false,
      message: `kind: this page edits a ${expected.kind}; it cannot become a ${kind.kind}.`,
    };
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '';
  if (!name) return { ok: false, message: 'metadata.name: required.' };
  if (expected.name && name !== expected.name) {
    return {
      ok: false,
      message: `metadata.name: renaming is not an edit; keep "${expected.name}" or create a new object.`,
    };
  }
  const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
  if (expected.namespace && namespace && namespace !== expected.namespace) {
    return {
      ok: false,
      message: `metadata.namespace: keep "${expected.namespace}"; moving an object is delete + create.`,
    };
  }
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : kind.apiVersion;
  const parsed = parseIstioObject(kind.kind, { ...object, apiVersion });
  if (!parsed.ok) {
    const [first, ...rest] = parsed.unreadable.issues;
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
    return { ok: false, message: `${first?.path ?? 'spec'}: ${first?.message ?? 'not readable'}${more}.` };
  }
  return { ok: true, object: parsed.object, kind, name, namespace };
}

/** The YAML a new object starts from. */
export function newObjectTemplate(kind: IstioKindInfo, namespace: string): string {
  return stringify(
    {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name: '', namespace: namespace || 'default' },
      spec: {},
    },
    { lineWidth: 0 },
  );
}
