import type { Validation } from '@sextant/shared';
import { resolveHost } from '../hosts';
import type { IstioObject, MeshConfig, ServiceInfo } from '../types';
import { effectiveMtlsMode } from './peerAuthentication';
import {
  finding,
  hostKnown,
  indexOf,
  isRecord,
  nsOf,
  records,
  sameObject,
  serviceOfHost,
  stringMap,
  workloadsOfService,
} from './helpers';

function checkSubsets(dr: IstioObject, config: MeshConfig, svc: ServiceInfo): Validation[] {
  const behind = workloadsOfService(config, svc);
  const out: Validation[] = [];
  records(dr.spec?.subsets).forEach((s, i) => {
    const labels = stringMap(s.labels) ?? {};
    if (behind.some((w) => Object.entries(labels).every(([k, v]) => w.labels[k] === v))) return;
    const wanted = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out.push(
      finding(
        'SX2002',
        'warning',
        `spec.subsets[${i}].labels`,
        `Subset "${String(s.name)}" selects no pod of ${svc.name} (no workload behind the service has ${wanted || 'these labels'}): traffic routed to it fails with 503. Fix the labels or deploy that version.`,
      ),
    );
  });
  return out;
}

function checkDuplicates(dr: IstioObject, config: MeshConfig, host: string): Validation[] {
  const clash = host.includes('*')
    ? []
    : (indexOf(config).destinationRulesByHost.get(resolveHost(host, nsOf(dr))) ?? []).filter(
        (o) => !sameObject(o, dr) && nsOf(o) === nsOf(dr),
      );
  if (clash.length === 0) return [];
  return [
    finding(
      'SX2003',
      'warning',
      'spec.host',
      `DestinationRule ${clash.map((o) => o.metadata.name).join(', ')} in the same namespace is also for "${host}"; Istio uses only one of them. Merge their subsets and policies into one.`,
    ),
  ];
}

/** Every `tls.mode: DISABLE` in the rule (top level, per port, per subset), by path. */
function disabledTlsPaths(dr: IstioObject): string[] {
  const out: string[] = [];
  const visit = (policy: unknown, base: string): void => {
    if (!isRecord(policy)) return;
    if (isRecord(policy.tls) && policy.tls.mode === 'DISABLE') out.push(`${base}.tls.mode`);
    records(policy.portLevelSettings).forEach((p, i) => {
      if (isRecord(p.tls) && p.tls.mode === 'DISABLE') out.push(`${base}.portLevelSettings[${i}].tls.mode`);
    });
  };
  visit(dr.spec?.trafficPolicy, 'spec.trafficPolicy');
  records(dr.spec?.subsets).forEach((s, i) => visit(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
  return out;
}

function checkTlsAgainstStrict(dr: IstioObject, config: MeshConfig, svc: ServiceInfo): Validation[] {
  const paths = disabledTlsPaths(dr);
  if (paths.length === 0) return [];
  const strict = workloadsOfService(config, svc).filter(
    (w) => effectiveMtlsMode(config, w.namespace, w.labels) === 'STRICT',
  );
  if (strict.length === 0) return [];
  return paths.map((path) =>
    finding(
      'SX2004',
      'error',
      path,
      `TLS is DISABLEd toward ${svc.name}, but PeerAuthentication requires STRICT mTLS for ${strict.map((w) => w.name).join(', ')}: connections are refused. Use mode ISTIO_MUTUAL (or remove the tls block).`,
    ),
  );
}

/** Findings for a DestinationRule (codes SX2xxx). */
export function validateDestinationRule(dr: IstioObject, config: MeshConfig): Validation[] {
  const host = typeof dr.spec?.host === 'string' ? dr.spec.host : undefined;
  if (!host)
    return [
      finding(
        'SX2000',
        'error',
        'spec.host',
        'spec.host is required: name the service this rule configures.',
      ),
    ];
  const out = checkDuplicates(dr, config, host);
  if (!hostKnown(config, host, nsOf(dr))) {
    out.unshift(
      finding(
        'SX2001',
        'warning',
        'spec.host',
        `No Service or ServiceEntry named "${host}", so this rule applies to nothing: fix the host or add a ServiceEntry.`,
      ),
    );
    return out;
  }
  const svc = serviceOfHost(config, host, nsOf(dr));
  if (!svc) return out;
  return [...checkSubsets(dr, config, svc), ...out, ...checkTlsAgainstStrict(dr, config, svc)];
}
