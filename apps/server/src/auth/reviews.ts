import type { Credentials } from './credentials';

/** One rule of a SelfSubjectRulesReview (`status.resourceRules[]`). */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface UserInfo {
  user: string;
  groups: string[];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  /** Absent: cluster-wide (every namespace). */
  namespace?: string;
}

/**
 * What the API server says about an identity, asked with that identity's own credentials
 * (kube/reviews.ts). Failures throw HttpError: 401 when the API server rejects the credentials.
 */
export interface IdentityReviews {
  /** SelfSubjectReview (authentication.k8s.io/v1): the user name and groups. */
  whoAmI(credentials: Credentials): Promise<UserInfo>;
  /** SelfSubjectRulesReview: what the identity may do in `namespace`. */
  rules(credentials: Credentials, namespace: string): Promise<{ rules: ResourceRule[]; incomplete: boolean }>;
  /** SelfSubjectAccessReview. */
  canI(credentials: Credentials, attributes: ResourceAttributes): Promise<boolean>;
}
