import type { Validation } from '@sextant/shared';
import type { IstioObject, MeshConfig } from '../types';
import { finding, isRecord, nsOf, records, selectorMatchingNothing } from './helpers';

const PRINCIPAL = /^(?:[^/]+\/)?ns\/([^/]+)\/sa\/([^/]+)$/;

function checkDenyAll(ap: IstioObject): Validation[] {
  const action = typeof ap.spec?.action === 'string' ? ap.spec.action : 'ALLOW';
  const rules = Array.isArray(ap.spec?.rules) ? ap.spec.rules : undefined;
  const target = isRecord(ap.spec?.selector)
    ? 'the selected workloads'
    : `every workload in namespace ${nsOf(ap)}`;
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
    const i = (rules ?? []).findIndex((r) => isRecord(r) && Object.keys(r).length === 0);
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

function checkPrincipals(ap: IstioObject, config: MeshConfig): Validation[] {
  const known = knownServiceAccounts(config);
  const out: Validation[] = [];
  records(ap.spec?.rules).forEach((rule, i) =>
    records(rule.from).forEach((from, j) => {
      const source = isRecord(from.source) ? from.source : {};
      for (const field of ['principals', 'notPrincipals'] as const) {
        (Array.isArray(source[field]) ? source[field] : []).forEach((p, k) => {
          if (typeof p !== 'string' || p.includes('*')) return;
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
export function validateAuthorizationPolicy(ap: IstioObject, config: MeshConfig): Validation[] {
  return [
    ...selectorMatchingNothing(ap, config, 'SX3101', 'selector'),
    ...checkDenyAll(ap),
    ...checkPrincipals(ap, config),
  ];
}
