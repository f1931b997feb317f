import { describe, expect, it } from 'vitest';
import { tallyHealth, worstHealth } from './health';

const t = (total: number, serverErrors = 0, clientErrors = 0) => ({ total, serverErrors, clientErrors });

describe('tallyHealth (Kiali defaults)', () => {
  it('is na without requests', () => expect(tallyHealth(t(0))).toBe('na'));
  it('is healthy without errors', () => expect(tallyHealth(t(5))).toBe('healthy'));
  it('degrades on any 5xx-like error', () => expect(tallyHealth(t(1000, 1))).toBe('degraded'));
  it('fails at 10% 5xx-like errors', () => expect(tallyHealth(t(10, 1))).toBe('failure'));
  it('ignores 4xx under 10%', () => expect(tallyHealth(t(100, 0, 9))).toBe('healthy'));
  it('degrades at 10% 4xx', () => expect(tallyHealth(t(10, 0, 1))).toBe('degraded'));
  it('fails at 20% 4xx', () => expect(tallyHealth(t(10, 0, 2))).toBe('failure'));
  it('keeps the thresholds apart: 9% 4xx and no 5xx stay healthy', () =>
    expect(tallyHealth(t(100, 0, 9))).toBe('healthy'));
  it('orders health values', () => {
    expect(worstHealth('na', 'healthy')).toBe('healthy');
    expect(worstHealth('failure', 'degraded')).toBe('failure');
  });
});
