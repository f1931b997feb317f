import { describe, expect, it } from 'vitest';
import { requestHealth, worstHealth } from './health';

describe('requestHealth (Kiali defaults)', () => {
  it('is na without requests', () => expect(requestHealth({})).toBe('na'));
  it('is healthy with only 2xx', () => expect(requestHealth({ '200': 5 })).toBe('healthy'));
  it('degrades on any 5xx', () => expect(requestHealth({ '200': 999, '503': 1 })).toBe('degraded'));
  it('fails at 10% 5xx', () => expect(requestHealth({ '200': 9, '500': 1 })).toBe('failure'));
  it('counts resets (code 0) as server errors', () =>
    expect(requestHealth({ '200': 1, '0': 1 })).toBe('failure'));
  it('ignores 4xx under 10%', () => expect(requestHealth({ '200': 91, '404': 9 })).toBe('healthy'));
  it('degrades at 10% 4xx', () => expect(requestHealth({ '200': 9, '404': 1 })).toBe('degraded'));
  it('fails at 20% 4xx', () => expect(requestHealth({ '200': 8, '403': 2 })).toBe('failure'));
  it('orders health values', () => {
    expect(worstHealth('na', 'healthy')).toBe('healthy');
    expect(worstHealth('failure', 'degraded')).toBe('failure');
  });
});
