# Lifeboat bot, production image. Built by `cdk deploy` (infra/, ContainerImage.fromAsset) or by hand:
#   docker build -t lifeboat . && docker run --env-file bot.env -p 3000:3000 lifeboat
# The DR plan is not baked in: the ECS task writes it from DR_PLAN_YAML (see docs/deploy.md).
# Two stages: the build stage compiles TypeScript (`npm run build`, tsconfig.build.json) with the dev
# dependencies; the runtime stage has only the runtime dependencies and runs the compiled JavaScript
# with plain node (no tsx, no TypeScript, no test tooling). docs/operations.md.

FROM node:24-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: no install script runs (the `node` dev dependency's would fetch a second Node;
# the image's own Node 24 compiles).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY handlers ./handlers
COPY blocks ./blocks
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
# glibc's allocator: at most 2 arenas (not 8 per core: each thread that mallocs can get its own, kept after
# a burst), the top of each heap returned above 128 KB free, and a fixed mmap threshold (setting these
# turns off glibc's dynamic threshold, which after a large free serves later large buffers from the heap
# and keeps them). The benchmarks run the bot with this ENV and the CMD's flags (bench/deployed-runtime.ts).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_TOP_PAD_=0
WORKDIR /app
# Runtime dependencies only, for layer caching before the code.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist ./dist

USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/src/cli/bot.js"]
