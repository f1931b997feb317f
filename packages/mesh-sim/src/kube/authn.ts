/**
 * Turns a request's credentials into a user, as kube-apiserver's authenticator chain does:
 * the static tokens of the kubeconfig, ServiceAccount tokens it signed, and OIDC ID tokens
 * from a configured issuer. A presented token nobody accepts is 401; no token is anonymous.
 */
import { bearerToken, staticTokens } from './auth';
import type { StaticToken, Tokens } from './auth';
import type { OidcAuthenticator } from './oidc';
import type { UserInfo } from './rbac';
import { API_AUDIENCES, SA_ISSUER, unverifiedIssuer } from './serviceAccountTokens';
import type { ServiceAccountTokens } from './serviceAccountTokens';

export interface AuthenticatorOptions {
  tokens: Tokens;
  serviceAccounts: ServiceAccountTokens;
  oidc?: OidcAuthenticator;
}

export type AuthResult = UserInfo | null | 'invalid';

export class Authenticator {
  private readonly byToken: Map<string, StaticToken>;

  constructor(private readonly opts: AuthenticatorOptions) {
    this.byToken = new Map(staticTokens(opts.tokens).map((t) => [t.token, t]));
  }

  /**
   * The user a bearer token stands for, or undefined when no authenticator accepts it.
   * `audiences` (TokenReview) limits audience-bound tokens; default: the API server's own.
   */
  async authenticateToken(token: string, audiences: string[] = API_AUDIENCES): Promise<UserInfo | undefined> {
    const hit = this.byToken.get(token);
    if (hit) return { ...hit.user, groups: [...hit.user.groups] };
    const issuer = unverifiedIssuer(token);
    if (issuer === undefined) return undefined;
    if (issuer === SA_ISSUER) return this.opts.serviceAccounts.verify(token, audiences);
    if (this.opts.oidc && issuer === this.opts.oidc.issuer) return this.opts.oidc.verify(token);
    return undefined;
  }

  /** `null`: no credentials (anonymous); `'invalid'`: credentials nobody accepts (401). */
  async authenticate(header: string | undefined): Promise<AuthResult> {
    const token = bearerToken(header);
    if (token === undefined) return null;
    if (token === 'invalid') return 'invalid';
    return (await this.authenticateToken(token)) ?? 'invalid';
  }
}
