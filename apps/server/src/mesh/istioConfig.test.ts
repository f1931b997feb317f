import { describe, expect, it } from 'vitest';
import { configuredDestinations } from './istioConfig';
import { bookinfoConfig, istioObject, objectsFromFixture } from './validations/testInventory';

const reviewsOf = (config: ReturnType<typeof bookinfoConfig>) => {
  const svc = config.services.find((s) => s.name === 'reviews' && s.namespace === 'bookinfo');
  if (!svc) throw new Error('bookinfo has no reviews service');
  return svc;
};

describe('configuredDestinations', () => {
  it('configures nothing for a VirtualService whose only rule is end-user=jason → v2', () => {
    const config = bookinfoConfig(
      istioObject('VirtualService', 'reviews', {
        hosts: ['reviews'],
        http: [
          {
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
        ],
      }),
    );
    expect(configuredDestinations(config, reviewsOf(config))).toEqual([]);
  });

  it('reads the default route after the jason rule', () => {
    const config = bookinfoConfig(
      ...objectsFromFixture('bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml', 'bookinfo'),
    );
    expect(configuredDestinations(config, reviewsOf(config))).toEqual([
      { subset: 'v3', subsetLabels: { version: 'v3' }, weight: 100 },
    ]);
  });

  it('reads a weighted split whatever the spelling of the host', () => {
    const config = bookinfoConfig(
      istioObject('VirtualService', 'reviews', {
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        http: [
          {
            route: [
              { destination: { host: 'reviews.bookinfo', subset: 'v1' }, weight: 80 },
              { destination: { host: 'reviews.bookinfo.svc', subset: 'v2' }, weight: 20 },
            ],
          },
        ],
      }),
    );
    expect(configuredDestinations(config, reviewsOf(config))).toEqual([
      { subset: 'v1', subsetLabels: { version: 'v1' }, weight: 80 },
      { subset: 'v2', subsetLabels: { version: 'v2' }, weight: 20 },
    ]);
  });
});
