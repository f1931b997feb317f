import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './routes/deps';
import { Authenticator } from './auth/authenticator';
import { authRouter, identifyViewer, requireViewer } from './routes/auth';
import { errorHandler, notFoundHandler } from './routes/errors';
import { eventsRouter } from './routes/events';
import { graphRouter } from './routes/graph';
import { ChangeHistory, defaultStateDir } from './history/changeHistory';
import { historyRouter } from './routes/history';
import { trafficShiftRouter } from './routes/trafficShift';
import { healthRouter, statusRouter } from './routes/health';
import { inventoryRouter } from './routes/inventory';
import { istioRouter } from './routes/istio';
import { namespacesRouter } from './routes/namespaces';
import { closedSurface } from './security/surface';

export type { AppDeps } from './routes/deps';

/** The Express app, with every client injected so tests hand it real ones pointed at mesh-sim. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      // Served over plain HTTP on 127.0.0.1 by default: no forced upgrade, no HSTS.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      strictTransportSecurity: false,
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      // SSE streams stay open for minutes; health probes are noise.
      autoLogging: {
        ignore: (req) =>
          req.url === '/healthz' || req.url === '/readyz' || (req.url ?? '').startsWith('/api/events'),
      },
    }),
  );
  const surface = closedSurface(deps.surface);
  app.use(surface.host);
  app.use(healthRouter(deps));

  const api = express.Router();
  api.use(...surface.api);
  // Who is asking, then what they may see: every route below reads through `req.viewer.cache`.
  const auth = new Authenticator(deps.auth, deps.reviews, deps.cache);
  api.use(identifyViewer(auth));
  api.use(authRouter(deps, auth));
  api.use(requireViewer(auth));
  api.use(statusRouter(deps));
  api.use(namespacesRouter(deps));
  api.use(graphRouter(deps));
  api.use(istioRouter(deps));
  api.use(inventoryRouter(deps));
  const history = new ChangeHistory(deps.stateDir ?? defaultStateDir());
  api.use(trafficShiftRouter(deps, history));
  api.use(historyRouter(deps, history));
  api.use(eventsRouter(deps));
  api.use(notFoundHandler);
  app.use('/api', api);

  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) {
    const index = join(deps.webDist, 'index.html');
    app.use(express.static(deps.webDist, { index: false, maxAge: '1h' }));
    // SPA fallback: any other GET is a client-side route.
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(index);
    });
  }
  app.use(errorHandler);
  return app;
}
