/**
 * Bearer-token authentication and a two-role RBAC: `admin` may do anything, `viewer` may
 * get, list and watch. Every authenticated user may create access reviews about itself.
 */
import { randomBytes } from 'node:crypto';

export interface User {
  name: string;
  groups: string[];
  role: 'admin' | 'viewer';
}

export interface Tokens {
  admin: string;
  viewer: string;
}

export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function generateTokens(): Tokens {
  return { admin: randomBytes(24).toString('hex'), viewer: randomBytes(24).toString('hex') };
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

export class Authenticator {
  private readonly users = new Map<string, User>();

  constructor(tokens: Tokens) {
    this.users.set(tokens.admin, {
      name: 'mesh-sim-admin',
      groups: ['system:masters', 'system:authenticated'],
      role: 'admin',
    });
    this.users.set(tokens.viewer, {
      name: 'mesh-sim-viewer',
      groups: ['system:authenticated'],
      role: 'viewer',
    });
  }

  /**
   * `undefined` header → anonymous (null); a header with an unknown token → 'invalid'.
   */
  authenticate(header: string | undefined): User | null | 'invalid' {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return 'invalid';
    return this.users.get(m[1]) ?? 'invalid';
  }
}

/** RBAC decision for a resource request. */
export function isAllowed(user: User, req: AccessRequest): boolean {
  if (user.role === 'admin') return true;
  if (req.group === 'authorization.k8s.io' && SELF_REVIEWS.has(req.resource) && req.verb === 'create')
    return true;
  if (req.group === 'authentication.k8s.io' && req.resource === 'selfsubjectreviews' && req.verb === 'create')
    return true;
  return READ_VERBS.has(req.verb === '*' ? '' : req.verb);
}

/** RBAC decision for a non-resource URL (`/healthz`, `/api`, …): readable by everyone signed in. */
export function isAllowedNonResource(user: User, verb: string): boolean {
  return user.role === 'admin' || verb === 'get';
}

/** The `reason` text a real RBAC authorizer gives when it allows. */
export function allowReason(user: User): string {
  return user.role === 'admin'
    ? `RBAC: allowed by ClusterRoleBinding "mesh-sim-admin" of ClusterRole "cluster-admin" to User "${user.name}"`
    : `RBAC: allowed by ClusterRoleBinding "mesh-sim-viewer" of ClusterRole "view" to User "${user.name}"`;
}

/** The rules a SelfSubjectRulesReview reports. */
export function rulesFor(user: User): { verbs: string[]; apiGroups: string[]; resources: string[] }[] {
  const review = {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  };
  return user.role === 'admin'
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, review]
    : [{ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }, review];
}
