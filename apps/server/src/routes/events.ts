import { Router } from 'express';
import { ChangeEvent } from '@sextant/shared';
import { viewerOf } from '../auth/viewer';
import type { AppDeps } from './deps';
import { NamespaceFilter } from './params';

const HEARTBEAT_MS = 15_000;
const RECHECK_MS = 30_000;

/**
 * `GET /api/events`: Server-Sent Events (`event: change`) fed by the informers, only about what
 * the viewer may see. A stream lives for hours, so the viewer's access is checked again every
 * 30 s: revoked RBAC stops the events, a revoked token ends the stream.
 */
export function eventsRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/events', (req, res) => {
    const { namespace } = NamespaceFilter.parse(req.query);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const viewer = viewerOf(req);
    let view = viewer.cache;
    const unsubscribe = deps.cache.onChange((e) => {
      if (!view.shows(e)) return;
      if (namespace && e.namespace !== namespace) return;
      const payload = ChangeEvent.parse(e);
      res.write(`event: change\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const recheck = setInterval(() => {
      viewer.recheck().then(
        (next) => {
          view = next;
        },
        () => res.end(),
      );
    }, RECHECK_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      clearInterval(recheck);
      unsubscribe();
    });
  });
  return router;
}
