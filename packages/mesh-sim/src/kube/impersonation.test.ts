import { describe, expect, it } from 'vitest';
import type { AccessRequest } from './auth';
import { impersonate } from './impersonation';
import type { UserInfo } from './rbac';

const admin: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };

function run(headers: Record<string, string[]>): { user: UserInfo; checks: AccessRequest[] } {
  const checks: AccessRequest[] = [];
  const user = impersonate(admin, headers, (_requester, access) => checks.push(access));
  return { user, checks };
}

describe('impersonate', () => {
  it('returns the requester when no impersonation is asked for', () => {
    expect(run({}).user).toBe(admin);
  });

  it('checks the user and every group, then runs as them with system:authenticated added', () => {
    const { user, checks } = run({ 'impersonate-user': ['alice'], 'impersonate-group': ['devs', 'ops'] });
    expect(user).toEqual({ name: 'alice', groups: ['devs', 'ops', 'system:authenticated'] });
    expect(checks).toEqual([
      { verb: 'impersonate', group: '', resource: 'users', name: 'alice' },
      { verb: 'impersonate', group: '', resource: 'groups', name: 'devs' },
      { verb: 'impersonate', group: '', resource: 'groups', name: 'ops' },
    ]);
  });

  it('treats system:serviceaccount:NS:NAME as a ServiceAccount: namespaced check and its groups', () => {
    const { user, checks } = run({ 'impersonate-user': ['system:serviceaccount:bookinfo:robot'] });
    expect(checks).toEqual([
      { verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: 'bookinfo', name: 'robot' },
    ]);
    expect(user.groups).toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:bookinfo',
      'system:authenticated',
    ]);
  });

  it('checks uid and extras in authentication.k8s.io, and gives the anonymous user system:unauthenticated', () => {
    const { user, checks } = run({
      'impersonate-user': ['system:anonymous'],
      'impersonate-uid': ['1234'],
      'impersonate-extra-scopes': ['view', 'edit'],
    });
    expect(user).toEqual({
      name: 'system:anonymous',
      uid: '1234',
      groups: ['system:unauthenticated'],
      extra: { scopes: ['view', 'edit'] },
    });
    expect(checks.slice(1)).toEqual([
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: '1234' },
      {
        verb: 'impersonate',
        group: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: 'scopes',
        name: 'view',
      },
      {
        verb: 'impersonate',
        group: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: 'scopes',
        name: 'edit',
      },
    ]);
  });

  it('refuses groups without a user, and stops at the first refused check', () => {
    expect(() => run({ 'impersonate-group': ['system:masters'] })).toThrow(/without impersonating a user/);
    expect(() =>
      impersonate(admin, { 'impersonate-user': ['alice'], 'impersonate-group': ['x'] }, (_r, a) => {
        if (a.resource === 'groups') throw new Error(`no ${a.name ?? ''}`);
      }),
    ).toThrow('no x');
  });
});
