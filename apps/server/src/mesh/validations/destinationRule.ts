import type { DestinationRule, TrafficPolicy, Validation } from '@sextant/shared';
import { resolveHost } from '../hosts';
import type { MeshConfig, ServiceInfo } from '../types';
import { effectiveMtlsMode } from './peerAuthentication';
import { finding, hostKnown, indexOf, nsOf, sameObject, serviceOfHost, workloadsOfService } from './helpers';

function checkSubsets(dr: DestinationRule, config: MeshConfig, svc: ServiceInfo): Validation[] {
  const behind = workloadsOfService(config, svc);
  const out: Validation[] = [];
  (dr.spec?.subsets ?? []).forEach((s, i) => {
    const labels = s.labels ?? {};
    if (behind.some((w) => Object.entries(labels).every(([k, v]) => w.labels[k] === v))) return;
    const wanted = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out.push(
      finding(
        'SX2002',
        'warning',
        `spec.subsets[${i}].labels`,
        `Subset "${s.name}" selects no pod of ${svc.name} (no workload behind the service has ${wanted || 'these labels'}): traffic routed to it fails with 503. Fix the labels or deploy that version.`,
      ),
    );
  });
  return out;
}

function checkDuplicates(dr: DestinationRule, config: MeshConfig, host: string): Validation[] {
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
function disabledTlsPaths(dr: DestinationRule): string[] {
  const out: string[] = [];
  const visit = (policy: TrafficPolicy | undefined, base: string): void => {
    if (policy?.tls?.mode === 'DISABLE') out.push(`${base}.tls.mode`);
    (policy?.portLevelSettings ?? []).forEach((p, i) => {
      if (p.tls?.mode === 'DISABLE') out.push(`${base}.portLevelSettings[${i}].tls.mode`);
    });
  };
  visit(dr.spec?.trafficPolicy, 'spec.trafficPolicy');
  (dr.spec?.subsets ?? []).forEach((s, i) => visit(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
  return out;
}

function checkTlsAgainstStrict(dr: DestinationRule, config: MeshConfig, svc: ServiceInfo): Validation[] {
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
export function validateDestinationRule(dr: DestinationRule, config: MeshConfig): Validation[] {
  const host = dr.spec?.host;
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
