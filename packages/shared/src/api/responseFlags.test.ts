import { describe, expect, it } from 'vitest';
import { classifyOutcome, describeFlags, hasFailureFlag, splitFlags } from './responseFlags';

describe('response flags', () => {
  it('split and explain in words', () => {
    expect(splitFlags('URX,UC')).toEqual(['URX', 'UC']);
    expect(splitFlags('-')).toEqual([]);
    expect(describeFlags('FI')).toBe('FI: fault injected abort');
    expect(describeFlags('URX,UC')).toBe('URX: retry limit exceeded; UC: upstream connection terminated');
    expect(describeFlags('UO')).toBe('UO: circuit breaker overflow');
    expect(describeFlags('ZZ')).toBe('ZZ: unknown Envoy flag');
    expect(describeFlags('-')).toBe('no flag');
  });
  it('a delay alone is no failure', () => {
    expect(hasFailureFlag('DI')).toBe(false);
    expect(hasFailureFlag('DI,UT')).toBe(true);
  });
  it('classify outcomes', () => {
    const c = (code: string, flags = '-', protocol = 'http', grpcStatus = '') =>
      classifyOutcome({ protocol, code, flags, grpcStatus });
    expect(c('200')).toBe('ok');
    expect(c('503', 'FI')).toBe('serverError');
    expect(c('0', 'UF')).toBe('serverError');
    expect(c('200', 'DC')).toBe('serverError');
    expect(c('404', 'NR')).toBe('clientError');
    expect(c('429')).toBe('clientError');
    expect(c('200', '-', 'grpc', '0')).toBe('ok');
    expect(c('200', '-', 'grpc', '14')).toBe('serverError');
    expect(c('200', '-', 'grpc', '7')).toBe('clientError');
  });
});
