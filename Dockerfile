# Hearth server + built client in one image. With internet, the mediasoup
# worker comes from the official prebuilt download (scripts/mediasoup-worker.mjs);
# without it, the same script builds it from source with Debian's libraries.
FROM node:20-bookworm AS build
WORKDIR /app
RUN npm install -g pnpm@10.34.8
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages/protocol/package.json packages/protocol/
COPY server/package.json server/
COPY client/package.json client/
COPY tests/package.json tests/
RUN pnpm install --frozen-lockfile
COPY . .
RUN node scripts/mediasoup-worker.mjs \
 && pnpm --filter @hearth/protocol run build \
 && pnpm --filter @hearth/server run build \
 && pnpm --filter @hearth/client run build \
 && pnpm --filter @hearth/server deploy --prod --legacy /out/server \
 && cp -r packages /out/packages && cp -r client/dist /out/client-dist \
 && cp "$(node -p "require.resolve('mediasoup/package.json',{paths:['server']}).replace('package.json','')")worker/out/Release/mediasoup-worker" /out/mediasoup-worker

FROM node:20-bookworm-slim
# Runtime libraries of a worker built from source (harmless for the prebuilt one).
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 libuv1 libusrsctp2 libabsl20220623 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/server /app/server
COPY --from=build /out/client-dist /app/client/dist
COPY --from=build /out/mediasoup-worker /usr/local/bin/mediasoup-worker
ENV NODE_ENV=production \
    MEDIASOUP_WORKER_BIN=/usr/local/bin/mediasoup-worker \
    CLIENT_DIST=/app/client/dist \
    DATA_DIR=/data \
    PORT=3000
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "server/dist/main.js"]
