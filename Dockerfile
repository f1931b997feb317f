# syntax=docker/dockerfile:1
# Sextant in one small image: the `sextant` CLI (serve, demo, dashboard), the built web app, and
# the simulator (`pnpm mesh-sim`, used by docker-compose.yml). Nothing is compiled ahead of time:
# Node runs the TypeScript sources with tsx, as in development, so tsx is installed globally at
# the version the lockfile pins.

FROM node:20-bookworm-slim AS base
ENV CI=true \
    PNPM_HOME=/pnpm \
    npm_config_update_notifier=false
RUN npm install -g pnpm@10.34.8 tsx@4.23.15 && npm cache clean --force
WORKDIR /app

# Only the manifests, so the dependency layers stay cached until one of them changes.
FROM base AS manifests
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/shared/package.json packages/shared/
COPY packages/mesh-sim/package.json packages/mesh-sim/

# The web app, built with its dev dependencies (vite); only apps/web/dist leaves this stage.
FROM manifests AS web
RUN --mount=type=cache,id=sextant-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir=/pnpm/store --filter "@sextant/web..."
COPY tsconfig.base.json ./
COPY packages/shared packages/shared
COPY apps/web apps/web
RUN pnpm --filter @sextant/web build

# Production dependencies of the server and what it imports (shared, mesh-sim).
FROM manifests AS deps
RUN --mount=type=cache,id=sextant-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir=/pnpm/store --filter "@sextant/server..."

FROM base AS runtime
ENV NODE_ENV=production \
    HOME=/tmp
COPY --from=deps /app ./
COPY tsconfig.base.json ./
COPY packages/shared packages/shared
COPY packages/mesh-sim packages/mesh-sim
COPY apps/server apps/server
# The simulator's scenarios apply the vendored Istio samples.
COPY fixtures fixtures
COPY --from=web /app/apps/web/dist apps/web/dist
# /shared: where docker-compose.yml's simulator writes the kubeconfig the server reads.
RUN mkdir -p /shared && chown node:node /shared
# The node user of the base image (uid 1000), as deploy/sextant.yaml's runAsUser expects.
USER 1000:1000
EXPOSE 20001
ENTRYPOINT ["pnpm", "sextant"]
# Safe by default: listening on every address, anonymous and writable would hand the server's
# cluster identity to whoever reaches the port, so the image serves read-only unless its command
# says otherwise (--auth token|openid|header, or --allow-anonymous-writes for a demo).
CMD ["serve", "--host=0.0.0.0", "--port=20001", "--read-only"]
