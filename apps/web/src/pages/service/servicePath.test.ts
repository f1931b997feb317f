import { describe, expect, it } from 'vitest';
import { parseServicePath, servicePath } from './servicePath';

describe('service page path', () => {
  it('round-trips namespace and name', () => {
    expect(servicePath('bookinfo', 'reviews')).toBe('/services/bookinfo/reviews');
    expect(parseServicePath('/services/bookinfo/reviews')).toEqual({
      namespace: 'bookinfo',
      name: 'reviews',
    });
  });
  it('ignores other paths', () => {
    expect(parseServicePath('/services')).toBeUndefined();
    expect(parseServicePath('/services/bookinfo')).toBeUndefined();
    expect(parseServicePath('/graph')).toBeUndefined();
  });
});
