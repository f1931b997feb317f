import type { Validation } from '@sextant/shared';
import type { IstioObject, MeshConfig } from '../types';
import { finding, isRecord, nsOf, otherNamespaceWide, selectorMatchingNothing } from './helpers';

const namespaceWide = (o: IstioObject): boolean => !isRecord(o.spec?.workloadSelector);

/** Findings for a Sidecar (codes SX33xx). */
export function validateSidecar(sc: IstioObject, config: MeshConfig): Validation[] {
  const out = selectorMatchingNothing(sc, config, 'SX3301', 'workloadSelector');
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
