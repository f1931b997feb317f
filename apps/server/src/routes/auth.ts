import { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { getIronSession } from 'iron-session';
import { AuthInfo, LoginRequest, LoginResponse } from '@sextant/shared';
import type { Authenticator } from '../auth/authenticator';
import type { PendingLogin } from '../auth/oidc';
import { getSession } from '../auth/session';
import type { Viewer } from '../auth/viewer';
import { HttpError } from '../httpError';
import { resourceByPlural } from '../kube/resources';
import type { AppDeps } from './deps';

const PERMISSION_TTL_MS = 30_000;
const OIDC_COOKIE = 'sextant_oidc';
const OIDC_FLOW_SECONDS = 600;
const SIGN_IN_PATHS = ['/auth/login', '/auth/logout', '/auth/oidc'];

/** Puts the request's viewer on `req` when someone is signed in (401 for refused credentials). */
export function identifyViewer(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    // Signing in and out must work whatever stale credentials the browser still holds.
    if (SIGN_IN_PATHS.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    req.viewer = await auth.identify(req, res);
    next();
  };
}

/** Every API route after this one needs a signed-in viewer. */
export function requireViewer(auth: Authenticator): RequestHandler {
  return (req, _res, next) => {
    if (req.viewer) return next();
    const how: Record<string, string> = {
      token: 'sign in with a Kubernetes token at /login, or send it as "Authorization: Bearer <token>"',
      openid: 'sign in through your identity provider at /login',
      header: `Sextant expects the ${auth.config.header?.user ?? 'user'} header from an authenticating proxy`,
      anonymous: 'sign in',
    };
    throw new HttpError(401, 'unauthorized', `Not signed in: ${how[auth.config.strategy]}.`);
  };
}

/** Only a local path may be a place to return to after sign-in (no open redirect). */
const localPath = (v: unknown): string =>
  typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') ? v : '/';

/**
 * Sign-in and who-am-I: `GET /auth/info`, `POST /auth/login` (token), `POST /auth/logout`,
 * `GET /auth/oidc/login` and `GET /auth/oidc/callback` (openid).
 */
export function authRouter(deps: AppDeps, auth: Authenticator): Router {
  const router = Router();
  const permissionCache = new Map<string, { at: number; value: AuthInfo['permissions'] }>();

  async function permissionsOf(viewer: Viewer): Promise<AuthInfo['permissions']> {
    const namespaces = viewer.cache.meshConfig().namespaces.map((n) => n.name);
    const key = `${JSON.stringify(viewer.credentials)}|${namespaces.join(',')}`;
    const cached = permissionCache.get(key);
    if (cached && Date.now() - cached.at <= PERMISSION_TTL_MS) return cached.value;
    const value: AuthInfo['permissions'] = {};
    const vs = resourceByPlural('virtualservices');
    const writer = deps.writerFor(viewer.credentials);
    await Promise.all(
      namespaces.map(async (ns) => {
        if (deps.readOnly) {
          value[ns] = { canEdit: false, reason: 'Sextant runs with --read-only.' };
          return;
        }
        if (!vs) return;
        try {
          const r = await writer.canI('update', vs, ns);
          value[ns] = r.allowed
            ? { canEdit: true }
            : {
                canEdit: false,
                reason: r.reason || `Your Kubernetes user may not update virtualservices in ${ns}.`,
              };
        } catch (err) {
          value[ns] = { canEdit: false, reason: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    if (permissionCache.size > 1000) permissionCache.clear();
    permissionCache.set(key, { at: Date.now(), value });
    return value;
  }

  router.get('/auth/info', async (req, res) => {
    const viewer = req.viewer;
    res.setHeader('cache-control', 'no-store');
    res.json(
      AuthInfo.parse({
        strategy: auth.config.strategy,
        authenticated: viewer !== undefined,
        user: viewer?.user ?? '',
        groups: viewer?.groups ?? [],
        expiresAt: viewer?.expiresAt,
        readOnly: deps.readOnly ?? false,
        permissions: viewer ? await permissionsOf(viewer) : {},
      }),
    );
  });

  // Counts failed attempts only, per client address: guessing tokens is slow, signing in is not.
  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: auth.config.loginAttemptsPerMinute ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(
        new HttpError(
          429,
          'too_many_requests',
          'Too many failed sign-in attempts: wait a minute and try again.',
        ),
      ),
  });

  router.post('/auth/login', loginLimiter, async (req, res) => {
    if (auth.config.strategy !== 'token') {
      throw new HttpError(
        404,
        'not_found',
        `Signing in with a token is for --auth token; this server uses --auth ${auth.config.strategy}.`,
      );
    }
    const { token } = LoginRequest.parse(req.body);
    const data = await auth.sessionFor(token);
    if (data.expiresAt <= Date.now()) throw new HttpError(401, 'unauthorized', 'This token has expired.');
    const session = await getSession(req, res, auth.config);
    Object.assign(session, data);
    await session.save();
    res.json(LoginResponse.parse({ user: data.user, groups: data.groups, expiresAt: data.expiresAt }));
  });

  router.post('/auth/logout', async (req, res) => {
    const session = await getSession(req, res, auth.config);
    auth.signOut(session.sid, session.expiresAt);
    session.destroy();
    res.status(204).end();
  });

  const flowCookie = (req: Request, res: Response) =>
    getIronSession<Partial<PendingLogin>>(req, res, {
      cookieName: OIDC_COOKIE,
      password: auth.config.sessionSecret,
      ttl: OIDC_FLOW_SECONDS,
      // Lax: the callback is a top-level navigation from the issuer's site, which a Strict
      // cookie would not accompany. It holds only the one-time PKCE verifier, state and nonce.
      cookieOptions: {
        httpOnly: true,
        sameSite: 'lax',
        secure: auth.config.publicUrl?.startsWith('https:') ?? false,
        path: '/api/auth/oidc',
      },
    });

  const redirectUri = (req: Request): string => {
    const base = auth.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
    return new URL('/api/auth/oidc/callback', base).toString();
  };

  router.get('/auth/oidc/login', async (req, res) => {
    if (!auth.oidc) {
      throw new HttpError(
        404,
        'not_found',
        `OpenID Connect sign-in is for --auth openid; this server uses --auth ${auth.config.strategy}.`,
      );
    }
    const { url, pending } = await auth.oidc.startLogin(redirectUri(req), localPath(req.query.returnTo));
    const flow = await flowCookie(req, res);
    Object.assign(flow, pending);
    await flow.save();
    res.redirect(302, url.toString());
  });

  router.get('/auth/oidc/callback', async (req, res) => {
    const fail = (message: string) => res.redirect(302, `/login?error=${encodeURIComponent(message)}`);
    if (!auth.oidc) return fail('OpenID Connect sign-in is not configured on this server.');
    const flow = await flowCookie(req, res);
    // One use only; copied first, since destroy() empties the session object itself.
    const pending: Partial<PendingLogin> = { ...flow };
    flow.destroy();
    if (typeof req.query.error === 'string') {
      const description = typeof req.query.error_description === 'string' ? req.query.error_description : '';
      return fail(
        `The sign-in provider refused: ${req.query.error}${description ? ` (${description})` : ''}.`,
      );
    }
    if (!pending.state || !pending.codeVerifier || !pending.nonce) {
      return fail('The sign-in took too long or began in another browser; try again.');
    }
    const current = new URL(req.originalUrl, redirectUri(req));
    let data;
    try {
      const tokens = await auth.oidc.finishLogin(current, {
        state: pending.state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
        returnTo: localPath(pending.returnTo),
      });
      data = await auth.sessionFor(tokens.idToken, tokens.refreshToken, tokens.expiresAt);
    } catch (err) {
      req.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'OIDC sign-in failed');
      const why =
        err instanceof HttpError && err.status === 401
          ? 'Kubernetes did not accept the identity provider’s token: the cluster must trust this issuer (kube-apiserver --oidc-issuer-url) and this client id.'
          : `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`;
      return fail(why);
    }
    const session = await getSession(req, res, auth.config);
    Object.assign(session, data);
    await session.save();
    res.redirect(302, localPath(pending.returnTo));
  });

  return router;
}
