# One image for the gateway, the five subgraphs and the migration runner; the container's
# command picks the entry point (see docker-compose.yml), e.g.
#   docker run IMAGE node dist/subgraphs/orders/src/main.js
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, Prisma clients, tsc -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first, so editing sources reuses this layer.
# --ignore-scripts: no dependency needs its install script (argon2 ships prebuilt
# binaries; Prisma's engine download is not needed by `prisma generate`), and npm 11
# skips them anyway, so npm 10 (in this image) and npm 11 install alike.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# What `postinstall` does, run explicitly: generates each domain's Prisma client into
# subgraphs/<domain>/src/generated/prisma, which tsc then compiles into dist/ with the rest.
COPY prisma ./prisma
COPY scripts/prisma-generate.js ./scripts/prisma-generate.js
RUN npm run generate

# .dockerignore keeps node_modules, dist and the generated clients out of this copy.
COPY . .
RUN npm run build

# --- runtime: production dependencies and compiled output only ------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    BIND_HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app

# --ignore-scripts: `postinstall` (prisma generate) needs the prisma CLI, a devDependency
# that --omit=dev leaves out; its output is already compiled into dist/.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY --from=build /app/dist ./dist
# The gateway serves supergraph.graphql; the migration runner reads prisma/<domain>/migrations
# and finds the repository root by package.json + prisma/ (scripts look for supergraph.yaml).
COPY supergraph.graphql supergraph.yaml ./
COPY prisma ./prisma

# Files stay root-owned and read-only to the process; only the data folder (avatars,
# mounted as a volume in compose, which copies this ownership) is writable.
RUN mkdir -p /data/avatars && chown -R node:node /data
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["node", "dist/gateway/src/main.js"]
