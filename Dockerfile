# syntax=docker/dockerfile:1
# One image for both services of the Kafka deployment (docker-compose.yml):
#   map-server (default CMD)  node dist/server/map-server.mjs
#   producer                  node dist/server/producer.mjs --source synthetic
# `npm run build` bundles the TypeScript into plain JavaScript (dist/server) and builds the frontend; the
# runtime image holds those, the production dependencies and nothing else.
# Node 24, the LTS the project is tested on (see the README for the versions supported); pinned to a release.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: all dependencies, then `vite build` writes frontend/dist ----------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY common/ common/
COPY frontend/ frontend/
COPY producer/ producer/
COPY map-server/ map-server/
COPY app/ app/
COPY scripts/ scripts/
RUN npm run build

# --- runtime: production dependencies, the server bundle and the built frontend ------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
# glibc's allocator: blocks over 64 KiB mapped on their own and unmapped when freed, free memory given back
# past 128 KiB. The map-server's counts replace large typed arrays all the time; with glibc's defaults it kept
# about 100 MB more resident at 6,000 posts/s (`npm run bench -- store-rate`, README).
ENV MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/server/ dist/server/
COPY --from=build /app/frontend/dist/ frontend/dist/
# Everything above is root-owned and read-only to the app; it runs as the image's unprivileged `node` user,
# which owns only /data: the map-server's saved state (DATA_DIR), a volume in docker-compose.yml.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 3000
# The map-server's health endpoint (answers while Kafka is away, too). The producer service disables this.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server/map-server.mjs"]
