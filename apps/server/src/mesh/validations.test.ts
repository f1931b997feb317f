import { describe, expect, it } from 'vitest';
import { validateDestinationRule, validateVirtualService } from './validations';
import type { IstioObject, MeshConfig } from './types';
import { emptyMeshConfig } from './types';

const config: MeshConfig = {
  ...emptyMeshConfig(),
  services: [{ name: 'reviews', namespace: 'bookinfo', labels: {}, selector: { app: 'reviews' }, ports: [] }],
  workloads: [
    {
      name: 'reviews-v1',
      namespace: 'bookinfo',
      kind: 'Deployment',
      labels: { app: 'reviews', version: 'v1' },
      app: 'reviews',
      version: 'v1',
      hasSidecar: true,
      replicas: 1,
      availableReplicas: 1,
      pods: [],
    },
  ],
  destinationRules: [
    {
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v9', labels: { version: 'v9' } },
        ],
      },
    },
  ],
};
const vs = (spec: Record<string, unknown>): IstioObject => ({
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec,
});

describe('validations', () => {
  it('accepts a sound weighted route', () => {
    expect(
      validateVirtualService(
        vs({
          hosts: ['reviews'],
          http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }],
        }),
        config,
      ),
    ).toEqual([]);
  });
  it('flags weights that do not add up to 100 and undefined subsets', () => {
    const found = validateVirtualService(
      vs({
        hosts: ['reviews'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 70 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
            ],
          },
        ],
      }),
      config,
    );
    expect(found.map((v) => [v.code, v.path])).toEqual([
      ['SX1001', 'spec.http[0].route'],
      ['SX1002', 'spec.http[0].route[1].destination.subset'],
    ]);
  });
  it('warns on unknown hosts', () => {
    expect(
      validateVirtualService(
        vs({ hosts: ['x'], http: [{ route: [{ destination: { host: 'nope' } }] }] }),
        config,
      )[0],
    ).toMatchObject({ code: 'SX1003', severity: 'warning' });
  });
  it('warns on subsets selecting no workload', () => {
    const dr = config.destinationRules[0];
    if (!dr) throw new Error('fixture');
    expect(validateDestinationRule(dr, config)).toEqual([
      {
        code: 'SX2002',
        severity: 'warning',
        message: 'Subset "v9" selects no workload of reviews.',
        path: 'spec.subsets[1]',
      },
    ]);
  });
});
