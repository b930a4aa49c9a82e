# Lifeboat bot, production image. Built by `cdk deploy` (infra/, ContainerImage.fromAsset) or by hand:
#   docker build -t lifeboat . && docker run --env-file bot.env -p 3000:3000 lifeboat
# The DR plan is not baked in: the ECS task writes it from DR_PLAN_YAML (see docs/deploy.md).
FROM node:22-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

# Dependencies first, for layer caching. tsx is a runtime dependency: the bot runs from TypeScript.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY handlers ./handlers
COPY blocks ./blocks

USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node_modules/.bin/tsx", "src/cli/bot.ts"]
