/**
 * Authentication: bearer tokens in, a user (name, uid, groups) out — what kube-apiserver's
 * static token file does for the kubeconfig's users. What the user may do is decided by RBAC
 * (rbac.ts) from the Role/Binding objects, never here.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../cluster/types';
import type { RbacSource, UserInfo } from './rbac';
import { ADMIN_USER, BOOKINFO_EDITOR_USER, VIEWER_USER } from './rbacBootstrap';
import type { KubeStore } from './store';

export type User = UserInfo;

/** The bearer tokens of the kubeconfig's users. */
export interface Tokens {
  /** `mesh-sim-admin`, in group `system:masters` (bound to cluster-admin). */
  admin: string;
  /** `mesh-sim-viewer`, bound to `view` cluster-wide. */
  viewer: string;
  /** `mesh-sim-bookinfo-editor`: `view` everywhere, edits Istio objects in `bookinfo`. */
  bookinfoEditor: string;
}

export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';

const newToken = (): string => randomBytes(24).toString('hex');

export function generateTokens(): Tokens {
  return { admin: newToken(), viewer: newToken(), bookinfoEditor: newToken() };
}

/** Fills in tokens a state dir written by an older mesh-sim lacks. */
export function completeTokens(partial: Partial<Tokens>): Tokens {
  return {
    admin: partial.admin ?? newToken(),
    viewer: partial.viewer ?? newToken(),
    bookinfoEditor: partial.bookinfoEditor ?? newToken(),
  };
}

/** One line of a kube-apiserver `--token-auth-file`: token → user, uid, groups. */
export interface StaticToken {
  token: string;
  user: UserInfo;
}

export function staticTokens(tokens: Tokens): StaticToken[] {
  return [
    {
      token: tokens.admin,
      user: { name: ADMIN_USER, uid: 'mesh-sim-admin', groups: ['system:masters', AUTHENTICATED] },
    },
    { token: tokens.viewer, user: { name: VIEWER_USER, uid: 'mesh-sim-viewer', groups: [AUTHENTICATED] } },
    {
      token: tokens.bookinfoEditor,
      user: { name: BOOKINFO_EDITOR_USER, uid: 'mesh-sim-bookinfo-editor', groups: [AUTHENTICATED] },
    },
  ];
}

/** Reads a `Bearer` token from an Authorization header; undefined when absent, 'invalid' when malformed. */
export function bearerToken(header: string | undefined): string | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? 'invalid';
}

/** RBAC objects straight from the store (a handful of objects: read per request). */
export function storeRbacSource(store: KubeStore): RbacSource {
  const list = (gr: string, ns?: string): readonly KubeObject[] => store.list(gr, ns);
  return {
    clusterRoles: () => list('clusterroles.rbac.authorization.k8s.io'),
    clusterRoleBindings: () => list('clusterrolebindings.rbac.authorization.k8s.io'),
    roles: (ns) => list('roles.rbac.authorization.k8s.io', ns),
    roleBindings: (ns) => list('rolebindings.rbac.authorization.k8s.io', ns),
  };
}
