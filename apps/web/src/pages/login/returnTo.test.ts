import { describe, expect, it } from 'vitest';
import { loginPath, returnToFrom } from './returnTo';

describe('returnToFrom', () => {
  it('returns to a local path with its query', () => {
    expect(returnToFrom('?returnTo=%2Fservices%2Fbookinfo%2Freviews%3Fx%3D1')).toBe(
      '/services/bookinfo/reviews?x=1',
    );
  });
  it('never leaves the site or loops back to the sign-in page', () => {
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
    ]) {
      expect(returnToFrom(`?${new URLSearchParams({ returnTo: bad }).toString()}`)).toBe('/graph');
    }
    expect(returnToFrom('?returnTo=%2Flogin')).toBe('/graph');
    expect(returnToFrom('')).toBe('/graph');
  });
});

describe('loginPath', () => {
  it('carries the current page', () => {
    expect(loginPath('/istio', '?namespace=bookinfo')).toBe(
      '/login?returnTo=%2Fistio%3Fnamespace%3Dbookinfo',
    );
    expect(loginPath('/login', '?returnTo=%2Fx')).toBe('/login?returnTo=%2Fx');
  });
});
