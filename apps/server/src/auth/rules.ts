import type { ResourceRule } from './reviews';

const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

/**
 * Whether a SelfSubjectRulesReview rule grants `verb` on every object of `group`/`resource`
 * (as RBAC evaluates it). A rule limited to resourceNames grants no list, so it counts only
 * for the verbs that name one object, and only when asked about that name.
 */
export function ruleAllows(
  rule: ResourceRule,
  verb: string,
  group: string,
  resource: string,
  name?: string,
): boolean {
  if (!has(rule.verbs, verb) || !has(rule.apiGroups, group) || !has(rule.resources, resource)) return false;
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return name !== undefined && names.includes(name);
}

export function rulesAllow(
  rules: readonly ResourceRule[],
  verb: string,
  group: string,
  resource: string,
  name?: string,
): boolean {
  return rules.some((r) => ruleAllows(r, verb, group, resource, name));
}
