import type { AuthorizationPolicy, Validation } from '@sextant/shared';
import type { MeshConfig } from '../types';
import { finding, nsOf, selectorMatchingNothing } from './helpers';

const PRINCIPAL = /^(?:[^/]+\/)?ns\/([^/]+)\/sa\/([^/]+)$/;

function checkDenyAll(ap: AuthorizationPolicy): Validation[] {
  const action = ap.spec?.action ?? 'ALLOW';
  const rules = ap.spec?.rules;
  const target = ap.spec?.selector ? 'the selected workloads' : `every workload in namespace ${nsOf(ap)}`;
  if (action === 'ALLOW' && (rules === undefined || rules.length === 0)) {
    return [
      finding(
        'SX3102',
        'warning',
        'spec',
        `This ALLOW policy has no rules, so it allows nothing: every request to ${target} is denied (403 RBAC: access denied). Add rules naming who may call, or delete the policy if denying all is not intended.`,
      ),
    ];
  }
  if (action === 'DENY') {
    const i = (rules ?? []).findIndex((r) => Object.keys(r).length === 0);
    if (i >= 0) {
      return [
        finding(
          'SX3102',
          'warning',
          `spec.rules[${i}]`,
          `This DENY rule is empty, so it matches every request: all traffic to ${target} is denied. Add from/to/when conditions to narrow it.`,
        ),
      ];
    }
  }
  return [];
}

/** Service accounts pods run as, per namespace (`default` always exists). */
const knownServiceAccounts = (config: MeshConfig): Set<string> =>
  new Set([
    ...config.namespaces.map((n) => `${n.name}/default`),
    ...config.workloads.map((w) => `${w.namespace}/${w.serviceAccount ?? 'default'}`),
  ]);

function checkPrincipals(ap: AuthorizationPolicy, config: MeshConfig): Validation[] {
  const known = knownServiceAccounts(config);
  const out: Validation[] = [];
  (ap.spec?.rules ?? []).forEach((rule, i) =>
    (rule.from ?? []).forEach((from, j) => {
      for (const field of ['principals', 'notPrincipals'] as const) {
        (from.source?.[field] ?? []).forEach((p, k) => {
          if (p.includes('*')) return;
          const m = PRINCIPAL.exec(p);
          if (!m?.[1] || !m[2] || known.has(`${m[1]}/${m[2]}`)) return;
          out.push(
            finding(
              'SX3103',
              'warning',
              `spec.rules[${i}].from[${j}].source.${field}[${k}]`,
              `No workload runs as service account "${m[2]}" in namespace ${m[1]}, so principal "${p}" matches no caller. Use the serviceAccountName of the calling Deployment (cluster.local/ns/<namespace>/sa/<account>).`,
            ),
          );
        });
      }
    }),
  );
  return out;
}

/** Findings for an AuthorizationPolicy (codes SX31xx). */
export function validateAuthorizationPolicy(ap: AuthorizationPolicy, config: MeshConfig): Validation[] {
  return [
    ...selectorMatchingNothing(
      ap,
      ap.spec?.selector?.matchLabels,
      config,
      'SX3101',
      'spec.selector.matchLabels',
    ),
    ...checkDenyAll(ap),
    ...checkPrincipals(ap, config),
  ];
}
