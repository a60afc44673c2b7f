# nextcloud-mcp: the production server as a container (Next.js standalone output).
#   docker build -t nextcloud-mcp .
#   docker run --env-file .env -p 3000:3000 nextcloud-mcp      (or: docker compose up, see compose.yaml)
# Needs DATABASE_URL (PostgreSQL), NEXTCLOUD_URL, APP_URL (https) and TOKEN_ENCRYPTION_KEYS; see
# docs/deploy.md. tests/deploy/container.test.ts starts the same build with this file's runtime ENV
# and CMD (no container engine runs in CI).

FROM node:22-bookworm-slim AS deps
WORKDIR /app
# The postinstall step generates the Prisma client from the schema (offline, scripts/prisma.mjs).
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma.mjs ./scripts/prisma.mjs
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN node scripts/build-standalone.mjs /app/.standalone

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
ENV NEXT_TELEMETRY_DISABLED=1
ENV HOSTNAME=0.0.0.0
ENV PORT=3000
ENV DATA_DIR=/data
WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home-dir /app app && mkdir -p /data && chown app:app /data
# Only the standalone output: server.js, traced production node_modules, static assets, migrations.
COPY --from=build --chown=app:app /app/.standalone ./
USER app
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
