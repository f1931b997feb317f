import { describe, expect, it } from 'vitest';
import { hostMatches, hostNamesService, resolveHost, serviceFqdn } from './hosts';

describe('resolveHost', () => {
  it('expands short forms relative to the namespace and keeps the rest', () => {
    expect(resolveHost('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveHost('reviews.other', 'bookinfo')).toBe('reviews.other.svc.cluster.local');
    expect(resolveHost('reviews.other.svc', 'bookinfo')).toBe('reviews.other.svc.cluster.local');
    expect(resolveHost('reviews.other.svc.cluster.local', 'bookinfo')).toBe(
      'reviews.other.svc.cluster.local',
    );
    expect(resolveHost('api.example.com', 'bookinfo')).toBe('api.example.com');
    expect(resolveHost('*.example.com', 'bookinfo')).toBe('*.example.com');
    expect(resolveHost('reviews', 'bookinfo', 'corp.local')).toBe('reviews.bookinfo.svc.corp.local');
    expect(serviceFqdn('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
  });
});

describe('hostNamesService', () => {
  const reviews = { name: 'reviews', namespace: 'bookinfo' };
  it('accepts every spelling of the service and no other', () => {
    for (const h of [
      'reviews',
      'reviews.bookinfo',
      'reviews.bookinfo.svc',
      'reviews.bookinfo.svc.cluster.local',
    ]) {
      expect(hostNamesService(h, 'bookinfo', reviews), h).toBe(true);
    }
    expect(hostNamesService('reviews', 'other', reviews)).toBe(false);
    expect(hostNamesService('reviews.bookinfo', 'other', reviews)).toBe(true);
    expect(hostNamesService('ratings', 'bookinfo', reviews)).toBe(false);
    expect(hostNamesService('reviews.example.com', 'bookinfo', reviews)).toBe(false);
  });
  it('lets wildcards cover only when asked', () => {
    expect(hostNamesService('*', 'bookinfo', reviews)).toBe(false);
    expect(hostNamesService('*', 'bookinfo', reviews, { wildcards: true })).toBe(true);
    expect(hostNamesService('*.bookinfo.svc.cluster.local', 'x', reviews, { wildcards: true })).toBe(true);
    expect(hostNamesService('*.example.com', 'bookinfo', reviews, { wildcards: true })).toBe(false);
    expect(hostMatches('*.example.com', 'a.example.com')).toBe(true);
  });
});
