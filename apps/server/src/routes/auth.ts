import { Router } from 'express';
import type { Request, RequestHandler } from 'express';
import { AuthInfo } from '@sextant/shared';
import { HttpError } from '../httpError';
import { resourceByPlural } from '../kube/resources';
import type { AppDeps } from './deps';

export function bearerToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h?.startsWith('Bearer ')) return undefined;
  const t = h.slice('Bearer '.length).trim();
  return t || undefined;
}

/** `--auth token`: every API call carries the person's Kubernetes bearer token. */
export function requireToken(deps: AppDeps): RequestHandler {
  return (req, _res, next) => {
    if (deps.auth.strategy === 'token' && !bearerToken(req)) {
      throw new HttpError(
        401,
        'unauthorized',
        'Sign in: send your Kubernetes bearer token in the Authorization header.',
      );
    }
    next();
  };
}

const PERMISSION_TTL_MS = 30_000;

/** `GET /api/auth/info`: who we are and, per namespace, whether Istio config may be edited (SelfSubjectAccessReview). */
export function authRouter(deps: AppDeps): Router {
  const router = Router();
  const cache = new Map<string, { at: number; value: AuthInfo['permissions'] }>();
  router.get('/auth/info', async (req, res) => {
    const token = bearerToken(req);
    const namespaces = deps.cache.meshConfig().namespaces.map((n) => n.name);
    const key = `${token ?? ''}|${namespaces.join(',')}`;
    let permissions = cache.get(key);
    if (!permissions || Date.now() - permissions.at > PERMISSION_TTL_MS) {
      const value: AuthInfo['permissions'] = {};
      const vs = resourceByPlural('virtualservices');
      const writer = deps.writerFor(token);
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
      permissions = { at: Date.now(), value };
      cache.set(key, permissions);
    }
    res.json(
      AuthInfo.parse({
        strategy: deps.auth.strategy,
        user: deps.auth.strategy === 'token' ? 'bearer token' : deps.auth.user,
        readOnly: deps.readOnly ?? false,
        permissions: permissions.value,
      }),
    );
  });
  return router;
}
