/**
 * RBAC as kube-apiserver evaluates it, from the Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding objects in the store: ClusterRoleBindings first, then the RoleBindings of
 * the request's namespace; the first rule that allows wins and names its binding in the
 * reason; nothing matching is a denial. ClusterRoles with an `aggregationRule` get the rules
 * of every ClusterRole their selectors match (what the aggregation controller writes).
 * Members of `system:masters` are allowed before RBAC is asked, as kube-apiserver's
 * privileged-group authorizer does (so its decisions carry no RBAC reason).
 */
import type { KubeObject } from '../cluster/types';
import { asRecord, isRecord } from './objects';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type RequestAttributes =
  ({ resourceRequest: true } & ResourceAttributes) | ({ resourceRequest: false } & NonResourceAttributes);

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/** Where the RBAC objects come from (the store, or plain arrays in unit tests). */
export interface RbacSource {
  clusterRoles(): readonly KubeObject[];
  clusterRoleBindings(): readonly KubeObject[];
  roles(namespace: string): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
}

export interface Decision {
  allowed: boolean;
  /** `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`, or empty. */
  reason: string;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function rulesOf(obj: KubeObject): PolicyRule[] {
  const raw = (obj as { rules?: unknown }).rules;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((r) => {
    const rule: PolicyRule = { verbs: strings(r.verbs) };
    for (const key of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
      if (Array.isArray(r[key])) rule[key] = strings(r[key]);
    }
    return rule;
  });
}

function selectorMatches(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  const matchLabels = asRecord(selector.matchLabels);
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  for (const e of exprs) {
    const key = String(e.key ?? '');
    const values = strings(e.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  // An empty selector matches nothing in aggregation (as the controller treats it).
  return Object.keys(matchLabels).length > 0 || exprs.length > 0;
}

/** The rules a ClusterRole grants, aggregated ones included. */
export function clusterRoleRules(
  source: RbacSource,
  role: KubeObject,
  visiting: Set<string> = new Set(),
): PolicyRule[] {
  visiting.add(role.metadata.name);
  const aggregation = asRecord((role as { aggregationRule?: unknown }).aggregationRule);
  const selectors = Array.isArray(aggregation.clusterRoleSelectors)
    ? aggregation.clusterRoleSelectors.filter(isRecord)
    : [];
  if (selectors.length === 0) return rulesOf(role);
  const out: PolicyRule[] = [];
  for (const other of source.clusterRoles()) {
    // The controller writes aggregated rules into the role, so aggregation chains (admin ←
    // edit ← view); a cycle stops at the first role seen twice.
    if (visiting.has(other.metadata.name)) continue;
    const labels = other.metadata.labels ?? {};
    if (selectors.some((s) => selectorMatches(s, labels)))
      out.push(...clusterRoleRules(source, other, visiting));
  }
  return out;
}

function subjectsOf(binding: KubeObject): Subject[] {
  const raw = (binding as { subjects?: unknown }).subjects;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((s) => {
    const subject: Subject = { kind: String(s.kind ?? ''), name: String(s.name ?? '') };
    if (typeof s.namespace === 'string' && s.namespace) subject.namespace = s.namespace;
    return subject;
  });
}

function roleRefOf(binding: KubeObject): { kind: string; name: string } {
  const ref = asRecord((binding as { roleRef?: unknown }).roleRef);
  return { kind: String(ref.kind ?? ''), name: String(ref.name ?? '') };
}

function appliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace ?? bindingNamespace;
      return user.name === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `ServiceAccount "${subject.name}/${subject.namespace ?? bindingNamespace}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}

const has = (list: string[] | undefined, value: string): boolean =>
  !!list && (list.includes('*') || list.includes(value));

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some((url) => {
      if (url === '*' || url === attrs.path) return true;
      return url.endsWith('*') && attrs.path.startsWith(url.slice(0, -1));
    });
  }
  if (!has(rule.apiGroups, attrs.group)) return false;
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (!!attrs.subresource && r === `*/${attrs.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (!!attrs.name && names.includes(attrs.name));
}

interface Grant {
  /** `ClusterRoleBinding "x" of ClusterRole "y" to User "z"` */
  source: string;
  rules: PolicyRule[];
}

/** Every grant that applies to the user, cluster-wide first, then in `namespace`. */
function* grants(source: RbacSource, user: UserInfo, namespace: string | undefined): Generator<Grant> {
  const clusterRoles = new Map(source.clusterRoles().map((r) => [r.metadata.name, r]));
  for (const binding of source.clusterRoleBindings()) {
    const ref = roleRefOf(binding);
    const subject = subjectsOf(binding).find((s) => appliesTo(user, s, ''));
    if (!subject || ref.kind !== 'ClusterRole') continue;
    const role = clusterRoles.get(ref.name);
    if (!role) continue;
    yield {
      source: `ClusterRoleBinding "${binding.metadata.name}" of ClusterRole "${ref.name}" to ${describeSubject(subject, '')}`,
      rules: clusterRoleRules(source, role),
    };
  }
  if (!namespace) return;
  const roles = new Map(source.roles(namespace).map((r) => [r.metadata.name, r]));
  for (const binding of source.roleBindings(namespace)) {
    const ref = roleRefOf(binding);
    const subject = subjectsOf(binding).find((s) => appliesTo(user, s, namespace));
    if (!subject) continue;
    let rules: PolicyRule[] | undefined;
    if (ref.kind === 'ClusterRole') {
      const role = clusterRoles.get(ref.name);
      // Non-resource URLs are cluster-wide: a RoleBinding never grants them.
      if (role) rules = clusterRoleRules(source, role).filter((r) => !r.nonResourceURLs?.length);
    } else if (ref.kind === 'Role') {
      const role = roles.get(ref.name);
      if (role) rules = rulesOf(role);
    }
    if (!rules) continue;
    yield {
      source: `RoleBinding "${binding.metadata.name}/${namespace}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, namespace)}`,
      rules,
    };
  }
}

/** kube-apiserver puts this authorizer before RBAC: its members may do anything, whatever the bindings say. */
export const PRIVILEGED_GROUP = 'system:masters';

export function authorize(source: RbacSource, user: UserInfo, attrs: RequestAttributes): Decision {
  if (user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
  const namespace = attrs.resourceRequest ? attrs.namespace : undefined;
  for (const grant of grants(source, user, namespace)) {
    if (grant.rules.some((rule) => ruleAllows(attrs, rule))) {
      return { allowed: true, reason: `RBAC: allowed by ${grant.source}` };
    }
  }
  return { allowed: false, reason: '' };
}

export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/** What a SelfSubjectRulesReview reports: every rule that applies in `namespace`. */
export function rulesFor(
  source: RbacSource,
  user: UserInfo,
  namespace: string | undefined,
): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const grant of grants(source, user, namespace)) {
    for (const rule of grant.rules) {
      if (rule.nonResourceURLs?.length) {
        nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
      }
      if (rule.resources?.length) {
        const r: ResourceRule = {
          verbs: rule.verbs,
          apiGroups: rule.apiGroups ?? [],
          resources: rule.resources,
        };
        if (rule.resourceNames?.length) r.resourceNames = rule.resourceNames;
        resourceRules.push(r);
      }
    }
  }
  return { resourceRules, nonResourceRules };
}
