/**
 * Turns a request's credentials into a user, as kube-apiserver's authenticator chain does:
 * the static tokens of the kubeconfig; a presented token nobody recognises is 401, no token
 * at all is anonymous.
 */
import { bearerToken, staticTokens } from './auth';
import type { StaticToken, Tokens } from './auth';
import type { UserInfo } from './rbac';

export interface AuthenticatorOptions {
  tokens: Tokens;
}

export type AuthResult = UserInfo | null | 'invalid';

export class Authenticator {
  private readonly byToken: Map<string, StaticToken>;

  constructor(opts: AuthenticatorOptions) {
    this.byToken = new Map(staticTokens(opts.tokens).map((t) => [t.token, t]));
  }

  /** The user a bearer token stands for, or undefined when no authenticator accepts it. */
  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    const hit = this.byToken.get(token);
    return Promise.resolve(hit ? { ...hit.user, groups: [...hit.user.groups] } : undefined);
  }

  /** `null`: no credentials (anonymous); `'invalid'`: credentials nobody accepts (401). */
  async authenticate(header: string | undefined): Promise<AuthResult> {
    const token = bearerToken(header);
    if (token === undefined) return null;
    if (token === 'invalid') return 'invalid';
    return (await this.authenticateToken(token)) ?? 'invalid';
  }
}
