# syntax=docker/dockerfile:1
# flowdesk: multi-stage build. Stage 1 compiles TypeScript with dev dependencies (the same
# `npm ci` and `npm run build` as `npm test`); stage 2 holds production dependencies, dist/ and
# the process maps only, and runs as a non-root user.
ARG NODE_IMAGE=node:26-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    FLOWDESK_PROCESS_MAPS=/app/process-maps \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY process-maps ./process-maps
# The Slack app manifest, for reference next to the code that needs its scopes.
COPY manifest.json ./manifest.json
# The official image's unprivileged user (uid 1000); the app files stay root-owned, read-only to it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
