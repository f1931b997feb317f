import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bookinfoObjects, configOf, FIXTURES, fixtureFindings } from './testInventory';
import { validateIstioObject, validateWorkload } from './index';

/** Every sample under fixtures/istio, applied to bookinfo (namespace bookinfo), with what Sextant finds. */
const EXPECTED: Record<string, string[]> = {
  'addons/kiali.yaml': [],
  'addons/prometheus.yaml': [],
  'crds/crd-all.gen.yaml': [],
  'curl/curl.yaml': [],
  'helloworld/helloworld.yaml': [],
  'sleep/sleep.yaml': [],
  'bookinfo/platform/bookinfo.yaml': [],
  'bookinfo/platform/bookinfo-versions.yaml': [],
  'bookinfo/networking/bookinfo-gateway.yaml': [],
  // The sample routes to cert-manager's solver service, which bookinfo does not run.
  'bookinfo/networking/certmanager-gateway.yaml': [
    'VirtualService/cert-manager SX1003 warning spec.http[0].route[0].destination.host',
  ],
  // bookinfo.yaml deploys ratings-v1 and details-v1 only; the other subsets select no pod.
  'bookinfo/networking/destination-rule-all-mtls.yaml': [
    'DestinationRule/ratings SX2002 warning spec.subsets[1].labels',
    'DestinationRule/ratings SX2002 warning spec.subsets[2].labels',
    'DestinationRule/ratings SX2002 warning spec.subsets[3].labels',
    'DestinationRule/details SX2002 warning spec.subsets[1].labels',
  ],
  'bookinfo/networking/destination-rule-all.yaml': [
    'DestinationRule/ratings SX2002 warning spec.subsets[1].labels',
    'DestinationRule/ratings SX2002 warning spec.subsets[2].labels',
    'DestinationRule/ratings SX2002 warning spec.subsets[3].labels',
    'DestinationRule/details SX2002 warning spec.subsets[1].labels',
  ],
  'bookinfo/networking/destination-rule-reviews.yaml': [],
  'bookinfo/networking/egress-rule-google-apis.yaml': [],
  // Rule 0 has no match (fault on every request), so rule 1 is dead.
  'bookinfo/networking/fault-injection-details-v1.yaml': [
    'VirtualService/details SX1006 warning spec.http[1]',
  ],
  'bookinfo/networking/virtual-service-all-v1.yaml': [],
  'bookinfo/networking/virtual-service-details-v2.yaml': [],
  'bookinfo/networking/virtual-service-ratings-db.yaml': [],
  'bookinfo/networking/virtual-service-ratings-mysql-vm.yaml': [],
  'bookinfo/networking/virtual-service-ratings-mysql.yaml': [],
  'bookinfo/networking/virtual-service-ratings-test-abort.yaml': [],
  'bookinfo/networking/virtual-service-ratings-test-delay.yaml': [],
  'bookinfo/networking/virtual-service-reviews-50-v3.yaml': [],
  'bookinfo/networking/virtual-service-reviews-80-20.yaml': [],
  'bookinfo/networking/virtual-service-reviews-90-10.yaml': [],
  'bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml': [],
  'bookinfo/networking/virtual-service-reviews-test-v2.yaml': [],
  'bookinfo/networking/virtual-service-reviews-v2-v3.yaml': [],
  'bookinfo/networking/virtual-service-reviews-v3.yaml': [],
};

/** Every .yaml under fixtures/istio, relative to it. */
function allSamples(dir = ''): string[] {
  return readdirSync(new URL(dir || '.', FIXTURES), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? allSamples(`${dir}${e.name}/`) : e.name.endsWith('.yaml') ? [`${dir}${e.name}`] : [],
    )
    .sort();
}

describe('validations over the vendored Istio samples', () => {
  it('knows every sample file', () => {
    expect(allSamples()).toEqual(Object.keys(EXPECTED).sort());
  });
  // crd-all.gen.yaml is a large YAML file: its parse alone passed vitest's 5 s default once on a
  // machine with a load average of 45, so these tests get room without changing what they check.
  it.each(Object.entries(EXPECTED))(
    '%s',
    (file, expected) => {
      expect(fixtureFindings(file, validateIstioObject)).toEqual(expected);
    },
    30_000,
  );
  it('finds nothing wrong with the bookinfo workloads', () => {
    const config = configOf(bookinfoObjects());
    expect(config.workloads.flatMap((w) => validateWorkload(w, config))).toEqual([]);
  });
});
