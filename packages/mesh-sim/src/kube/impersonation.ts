/**
 * Impersonation headers (`kubectl --as/--as-group/--as-uid`), as kube-apiserver's
 * impersonation filter handles them: each requested identity is its own RBAC check on verb
 * `impersonate` (users, groups, serviceaccounts in the core group; uids and userextras/<key>
 * in authentication.k8s.io), and the request then runs as the impersonated user.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessRequest } from './auth';
import { ANONYMOUS, AUTHENTICATED, UNAUTHENTICATED } from './auth';
import type { UserInfo } from './rbac';
import { badRequest } from './status';

const SA_PREFIX = 'system:serviceaccount:';
const EXTRA_PREFIX = 'impersonate-extra-';

/** Node joins repeated headers with ", "; impersonation needs each value on its own. */
export type HeadersDistinct = Record<string, string[] | undefined>;

export function hasImpersonation(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((h) => h.startsWith('impersonate-'));
}

/**
 * The user the request runs as. `authorize` throws (403) when the requester may not
 * impersonate what it asks for; it gets the access request kube-apiserver would check.
 */
export function impersonate(
  requester: UserInfo,
  headers: HeadersDistinct,
  authorize: (requester: UserInfo, access: AccessRequest) => void,
): UserInfo {
  const username = headers['impersonate-user']?.[0];
  const groups = headers['impersonate-group'] ?? [];
  const uid = headers['impersonate-uid']?.[0];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (!name.startsWith(EXTRA_PREFIX) || !values) continue;
    extra[decodeURIComponent(name.slice(EXTRA_PREFIX.length)).toLowerCase()] = values;
  }
  if (username === undefined) {
    if (groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0) {
      throw badRequest('requested impersonation of groups, uid or extra without impersonating a user');
    }
    return requester;
  }

  let sa: { namespace: string; name: string } | undefined;
  if (username.startsWith(SA_PREFIX)) {
    const [namespace, name, ...rest] = username.slice(SA_PREFIX.length).split(':');
    if (namespace && name && rest.length === 0) sa = { namespace, name };
  }
  if (sa) {
    authorize(requester, {
      verb: 'impersonate',
      group: '',
      resource: 'serviceaccounts',
      namespace: sa.namespace,
      name: sa.name,
    });
  } else {
    authorize(requester, { verb: 'impersonate', group: '', resource: 'users', name: username });
  }
  for (const group of groups) {
    authorize(requester, { verb: 'impersonate', group: '', resource: 'groups', name: group });
  }
  if (uid !== undefined) {
    authorize(requester, {
      verb: 'impersonate',
      group: 'authentication.k8s.io',
      resource: 'uids',
      name: uid,
    });
  }
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) {
      authorize(requester, {
        verb: 'impersonate',
        group: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: key,
        name: value,
      });
    }
  }

  const asGroups = [...groups];
  if (sa && groups.length === 0) {
    asGroups.push('system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`);
  }
  const implicit = username === ANONYMOUS ? UNAUTHENTICATED : AUTHENTICATED;
  if (!asGroups.includes(implicit)) asGroups.push(implicit);
  const user: UserInfo = { name: username, groups: asGroups };
  if (uid !== undefined) user.uid = uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}
