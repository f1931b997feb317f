import { describe, expect, it } from 'vitest';
import { fieldsFromPolicy, policyFromFields } from './routePolicyModel';

describe('route policy fields', () => {
  const empty = fieldsFromPolicy({});
  it('leaves out what is empty', () => {
    expect(policyFromFields(empty)).toEqual({});
    expect(policyFromFields({ ...empty, timeout: ' 2s ', perTryTimeout: '1s' })).toEqual({ timeout: '2s' });
  });
  it('turns sections on by their main field, percent defaulting to 100', () => {
    expect(
      policyFromFields({
        ...empty,
        retryAttempts: '3',
        retryOn: '5xx',
        abortStatus: '503',
        fixedDelay: '1s',
        delayPercent: '10',
      }),
    ).toEqual({
      retries: { attempts: 3, retryOn: '5xx' },
      fault: { delay: { fixedDelay: '1s', percent: 10 }, abort: { httpStatus: 503, percent: 100 } },
    });
  });
  it('round-trips a policy', () => {
    const p = {
      timeout: '2s',
      retries: { attempts: 2, perTryTimeout: '500ms' },
      fault: { abort: { percent: 5, httpStatus: 500 } },
    };
    expect(policyFromFields(fieldsFromPolicy(p))).toEqual(p);
  });
  it('keeps a mistyped number as NaN for the validator', () => {
    expect(Number.isNaN(policyFromFields({ ...empty, retryAttempts: 'three' }).retries?.attempts)).toBe(true);
  });
});
