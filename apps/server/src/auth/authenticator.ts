import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { HttpError } from '../httpError';
import type { ConfigCache } from '../routes/deps';
import { credentialsKey } from '../kube/config';
import { AccessResolver } from './access';
import type { AuthConfig } from './config';
import { DEFAULT_SESSION_MAX_AGE_SECONDS } from './config';
import { SERVER_CREDENTIALS } from './credentials';
import type { Credentials } from './credentials';
import { FilteredCache } from './filteredCache';
import { OidcClient } from './oidc';
import type { IdentityReviews, UserInfo } from './reviews';
import { getSession } from './session';
import type { SessionData } from './session';
import { SingleFlightCache } from './singleFlightCache';
import { tokenExpiresAt } from './tokenExpiry';
import type { Viewer } from './viewer';

export function bearerToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h?.startsWith('Bearer ')) return undefined;
  const t = h.slice('Bearer '.length).trim();
  return t || undefined;
}

const rejected = (what: string) =>
  new HttpError(
    401,
    'unauthorized',
    `Kubernetes did not accept ${what}: it is unknown, revoked or expired. Sign in again.`,
  );

/**
 * Decides who a request comes from, per `--auth`: a bearer header (scripts), the sealed session
 * cookie (token and openid), a trusted proxy's headers (header), or the server itself
 * (anonymous); then what that identity may read.
 */
export class Authenticator {
  readonly oidc?: OidcClient;
  private readonly access: AccessResolver;
  private readonly whoAmICache: SingleFlightCache<UserInfo>;
  /** Session ids signed out, until the time their session would have ended. */
  private readonly signedOut = new Map<string, number>();

  constructor(
    readonly config: AuthConfig,
    private readonly reviews: IdentityReviews,
    private readonly cache: ConfigCache,
  ) {
    const ttl = config.accessTtlMs ?? 30_000;
    this.access = new AccessResolver(reviews, ttl);
    this.whoAmICache = new SingleFlightCache(ttl);
    if (config.strategy === 'openid') {
      if (!config.oidc) throw new Error('--auth openid needs --oidc-issuer-url and --oidc-client-id');
      this.oidc = new OidcClient(config.oidc);
    }
    if (config.strategy === 'header' && !config.header)
      throw new Error('--auth header needs --auth-header-user');
  }

  get maxAgeMs(): number {
    return (this.config.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS) * 1000;
  }

  /** SelfSubjectReview, cached per identity; a rejected credential is a 401 in words. */
  async whoAmI(credentials: Credentials, what = 'this token'): Promise<UserInfo> {
    try {
      return await this.whoAmICache.get(credentialsKey(credentials), () => this.reviews.whoAmI(credentials));
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) throw rejected(what);
      throw err;
    }
  }

  /**
   * The request's viewer, or undefined when nobody is signed in. Throws 401 when credentials
   * were presented and the API server refuses them (a made-up token never reads anything).
   */
  async identify(req: Request, res: Response): Promise<Viewer | undefined> {
    const identity = await this.identity(req, res);
    if (!identity) return undefined;
    const viewAs = async () =>
      new FilteredCache(
        this.cache,
        await this.access.resolve(
          identity.credentials,
          this.cache.list('namespaces').map((n) => n.metadata.name),
        ),
      );
    let cache;
    try {
      cache = await viewAs();
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) {
        // A session whose token stopped working is a signed-out session, not an error.
        if (identity.fromSession) {
          (await getSession(req, res, this.config)).destroy();
          return undefined;
        }
        throw rejected('your credentials');
      }
      throw err;
    }
    return {
      strategy: this.config.strategy,
      user: identity.user,
      groups: identity.groups,
      credentials: identity.credentials,
      cache,
      expiresAt: identity.expiresAt,
      recheck: async () => {
        if (identity.expiresAt !== undefined && Date.now() >= identity.expiresAt)
          throw rejected('your session');
        return viewAs();
      },
    };
  }

  private async identity(
    req: Request,
    res: Response,
  ): Promise<
    (UserInfo & { credentials: Credentials; expiresAt?: number; fromSession?: boolean }) | undefined
  > {
    const { strategy } = this.config;
    if (strategy === 'header') {
      const header = this.config.header;
      const user = header ? req.get(header.user)?.trim() : undefined;
      if (!header || !user) return undefined;
      const groups = (header.groups ? (req.get(header.groups) ?? '') : '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== '');
      return { user, groups, credentials: { kind: 'impersonate', user, groups } };
    }
    const bearer = bearerToken(req);
    if (bearer) {
      const credentials: Credentials = { kind: 'token', token: bearer };
      return { ...(await this.whoAmI(credentials)), credentials, expiresAt: tokenExpiresAt(bearer) };
    }
    if (strategy === 'anonymous') {
      const me = await this.whoAmI(SERVER_CREDENTIALS).catch(() => undefined);
      return {
        user: me?.user || this.config.user,
        groups: me?.groups ?? [],
        credentials: SERVER_CREDENTIALS,
      };
    }
    const session = await getSession(req, res, this.config);
    if (!session.token) return undefined;
    let data: SessionData = {
      token: session.token,
      refreshToken: session.refreshToken,
      user: session.user ?? '',
      groups: session.groups ?? [],
      expiresAt: session.expiresAt ?? 0,
      signedInAt: session.signedInAt ?? 0,
      sid: session.sid ?? '',
    };
    if (this.isSignedOut(data.sid)) {
      session.destroy();
      return undefined;
    }
    if (Date.now() >= data.expiresAt) {
      const renewed =
        data.refreshToken && this.oidc ? await this.renew(data).catch(() => undefined) : undefined;
      if (!renewed) {
        session.destroy();
        return undefined;
      }
      data = renewed;
      Object.assign(session, data);
      await session.save();
    }
    return {
      user: data.user,
      groups: data.groups,
      credentials: { kind: 'token', token: data.token },
      expiresAt: data.expiresAt,
      fromSession: true,
    };
  }

  /** A fresh ID token from the refresh token, within the session's maximum age only. */
  private async renew(data: SessionData): Promise<SessionData | undefined> {
    if (!this.oidc || !data.refreshToken) return undefined;
    if (Date.now() >= data.signedInAt + this.maxAgeMs) return undefined;
    const tokens = await this.oidc.refresh(data.refreshToken);
    return {
      ...(await this.sessionFor(tokens.idToken, tokens.refreshToken, tokens.expiresAt, data.signedInAt)),
      sid: data.sid,
    };
  }

  /**
   * Checks `token` with the API server and builds the session that keeps it: it ends when the
   * token expires or `--session-max-age` after signing in, whichever comes first (a refresh
   * renews the token, never the maximum age).
   */
  async sessionFor(
    token: string,
    refreshToken?: string,
    expiresAt?: number,
    signedInAt = Date.now(),
  ): Promise<SessionData> {
    const who = await this.whoAmI({ kind: 'token', token });
    const ends = Math.min(signedInAt + this.maxAgeMs, expiresAt ?? tokenExpiresAt(token) ?? Infinity);
    return {
      token,
      refreshToken,
      user: who.user,
      groups: who.groups,
      expiresAt: ends,
      signedInAt,
      sid: randomUUID(),
    };
  }

  /**
   * Sign-out: the sealed cookie is self-contained, so a copy taken before would still unseal;
   * the session's id is refused until the session would have ended anyway.
   */
  signOut(sid: string | undefined, expiresAt: number | undefined): void {
    if (!sid) return;
    const now = Date.now();
    for (const [id, until] of this.signedOut) if (until <= now) this.signedOut.delete(id);
    this.signedOut.set(sid, Math.max(expiresAt ?? 0, now + this.maxAgeMs));
  }

  private isSignedOut(sid: string): boolean {
    const until = this.signedOut.get(sid);
    return until !== undefined && until > Date.now();
  }
}
