import type { Sidecar, Validation } from '@sextant/shared';
import type { MeshConfig } from '../types';
import { finding, nsOf, otherNamespaceWide, selectorMatchingNothing } from './helpers';

const namespaceWide = (o: Sidecar): boolean => o.spec?.workloadSelector === undefined;

/** Findings for a Sidecar (codes SX33xx). */
export function validateSidecar(sc: Sidecar, config: MeshConfig): Validation[] {
  const out = selectorMatchingNothing(
    sc,
    sc.spec?.workloadSelector?.labels,
    config,
    'SX3301',
    'spec.workloadSelector.labels',
  );
  const others = otherNamespaceWide(sc, config.sidecars, namespaceWide);
  if (others.length > 0) {
    out.push(
      finding(
        'SX3302',
        'error',
        'metadata.name',
        `Namespace ${nsOf(sc)} has more than one Sidecar without workloadSelector (also ${others.map((o) => o.metadata.name).join(', ')}); Istio's behaviour is then undefined. Keep one, give the others a workloadSelector.`,
      ),
    );
  }
  return out;
}
