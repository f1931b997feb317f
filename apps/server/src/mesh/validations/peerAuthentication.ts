import type { PeerAuthentication, Validation } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import type { MeshConfig } from '../types';
import { finding, nsOf, ROOT_NAMESPACE, otherNamespaceWide, selectorMatchingNothing } from './helpers';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

const modeOf = (pa: PeerAuthentication): MtlsMode | undefined => {
  const mode = pa.spec?.mtls?.mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
};
const matchLabelsOf = (pa: PeerAuthentication): Record<string, string> | undefined =>
  pa.spec?.selector?.matchLabels;
const isNamespaceWide = (pa: PeerAuthentication): boolean => {
  const sel = matchLabelsOf(pa);
  return !sel || Object.keys(sel).length === 0;
};

/**
 * The mTLS mode Istio enforces for pods with `labels` in `namespace`: a workload PeerAuthentication,
 * else the namespace-wide one, else the mesh-wide one in the root namespace; UNSET inherits, and
 * with nothing set Istio is PERMISSIVE.
 */
export function effectiveMtlsMode(
  config: MeshConfig,
  namespace: string,
  labels: Record<string, string>,
): MtlsMode {
  const inNs = config.peerAuthentications.filter((pa) => nsOf(pa) === namespace);
  const workload = inNs.find(
    (pa) => !isNamespaceWide(pa) && selectorMatches(matchLabelsOf(pa), labels) && modeOf(pa) !== undefined,
  );
  const nsWide = inNs.find((pa) => isNamespaceWide(pa) && modeOf(pa) !== undefined);
  const meshWide = config.peerAuthentications.find(
    (pa) => nsOf(pa) === ROOT_NAMESPACE && isNamespaceWide(pa) && modeOf(pa) !== undefined,
  );
  const chosen = workload ?? nsWide ?? meshWide;
  return (chosen && modeOf(chosen)) ?? 'PERMISSIVE';
}

/** Findings for a PeerAuthentication (codes SX30xx). */
export function validatePeerAuthentication(pa: PeerAuthentication, config: MeshConfig): Validation[] {
  const out = selectorMatchingNothing(pa, matchLabelsOf(pa), config, 'SX3001', 'spec.selector.matchLabels');
  const others = otherNamespaceWide(pa, config.peerAuthentications, isNamespaceWide);
  if (others.length > 0) {
    out.push(
      finding(
        'SX3002',
        'error',
        'metadata.name',
        `Namespace ${nsOf(pa)} has more than one namespace-wide PeerAuthentication (also ${others.map((o) => o.metadata.name).join(', ')}); Istio picks the oldest and ignores the rest. Keep one and give the others a selector.`,
      ),
    );
  }
  return out;
}
