# syntax=docker/dockerfile:1
# The object store's image: docker build -t objectstore:0.1.0 .
# Stage 1 builds the server and the web console; stage 2 is the runtime: Node 20,
# production dependencies only, the built dist/, a non-root user, /data as the volume.
# (test/chart/image.chart-spec.ts performs the runtime stage's install steps for real on each CI run.)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The web console is an npm workspace (web/): its package.json is needed for `npm ci`.
COPY package.json package-lock.json ./
COPY web/package.json ./web/
RUN npm ci --no-audit --no-fund
COPY . .
# The server (tsc) and the web console (vite, into dist/web).
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    S3_PORT=9000 \
    CONSOLE_PORT=9001 \
    DATA_DIR=/data \
    TMPDIR=/tmp \
    LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --prefer-offline --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The server writes only to DATA_DIR and TMPDIR: the image runs with a read-only root filesystem.
RUN mkdir -p /data && chown 1000:1000 /data
# `node` (uid 1000) comes with the base image.
USER 1000:1000
VOLUME ["/data"]
EXPOSE 9000 9001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.S3_PORT||9000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
