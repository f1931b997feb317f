import { Router } from 'express';
import { ChangeEvent } from '@sextant/shared';
import type { AppDeps } from './deps';
import { NamespaceFilter } from './params';

const HEARTBEAT_MS = 15_000;

/** `GET /api/events`: Server-Sent Events (`event: change`) fed by the informers. */
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
    const unsubscribe = deps.cache.onChange((e) => {
      if (namespace && e.namespace !== namespace) return;
      const payload = ChangeEvent.parse(e);
      res.write(`event: change\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
