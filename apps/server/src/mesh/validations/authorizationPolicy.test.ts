import { describe, expect, it } from 'vitest';
import { validateAuthorizationPolicy } from './authorizationPolicy';
import { validateRequestAuthentication } from './requestAuthentication';
import { bookinfoConfig, istioObject } from './testInventory';

const ap = (spec: Record<string, unknown>) => istioObject('AuthorizationPolicy', 'policy', spec);
const codes = (spec: Record<string, unknown>) => {
  const o = ap(spec);
  return validateAuthorizationPolicy(o, bookinfoConfig(o)).map((v) => `${v.code} ${v.severity} ${v.path}`);
};
const from = (...principals: string[]) => ({ from: [{ source: { principals } }] });

describe('validateAuthorizationPolicy', () => {
  it('accepts a policy naming a real caller', () => {
    expect(
      codes({
        selector: { matchLabels: { app: 'reviews' } },
        rules: [from('cluster.local/ns/bookinfo/sa/bookinfo-productpage')],
      }),
    ).toEqual([]);
  });
  it('SX3101: a selector matching no workload', () => {
    expect(codes({ selector: { matchLabels: { app: 'nobody' } }, rules: [{}] })).toEqual([
      'SX3101 warning spec.selector.matchLabels',
    ]);
  });
  it('SX3102: an ALLOW policy without rules denies everything, and says so', () => {
    const o = ap({});
    const [f] = validateAuthorizationPolicy(o, bookinfoConfig(o));
    expect(f).toMatchObject({ code: 'SX3102', severity: 'warning', path: 'spec' });
    expect(f?.message).toContain(
      'allows nothing: every request to every workload in namespace bookinfo is denied',
    );
  });
  it('SX3102: a DENY policy with an empty rule', () => {
    expect(codes({ action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'] } }] }, {}] })).toEqual([
      'SX3102 warning spec.rules[1]',
    ]);
  });
  it('SX3103: principals naming service accounts no workload runs as', () => {
    expect(
      codes({
        rules: [
          from(
            'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
            'cluster.local/ns/bookinfo/sa/productpage',
          ),
          {
            from: [
              { source: { notPrincipals: ['cluster.local/ns/nowhere/sa/x', 'cluster.local/ns/curl/sa/*'] } },
            ],
          },
          from('cluster.local/ns/curl/sa/curl', 'cluster.local/ns/curl/sa/default'),
        ],
      }),
    ).toEqual([
      'SX3103 warning spec.rules[0].from[0].source.principals[1]',
      'SX3103 warning spec.rules[1].from[0].source.notPrincipals[0]',
    ]);
  });
});

describe('validateRequestAuthentication', () => {
  it('SX3201: a selector matching no workload', () => {
    const o = istioObject('RequestAuthentication', 'jwt', { selector: { matchLabels: { app: 'gone' } } });
    expect(validateRequestAuthentication(o, bookinfoConfig(o)).map((v) => v.code)).toEqual(['SX3201']);
  });
});
