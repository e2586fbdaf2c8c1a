# The Kyodaku reference registry node (docs/operations.md).
#   docker build -t kyodaku-server .
#   docker run -p 8787:8787 -v kyodaku-data:/data -e KYODAKU_ORIGIN=registry.example/kyodaku kyodaku-server
FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so that they stay cached while only sources change; npm ci needs the
# package.json of every workspace named in the lockfile.
COPY package.json package-lock.json ./
COPY spec/package.json spec/
COPY client/package.json client/
COPY server/package.json server/
COPY conformance/package.json conformance/
COPY examples/package.json examples/
COPY web/package.json web/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The node runs from its TypeScript sources (tsx): the protocol library and the server.
COPY client/ client/
COPY server/ server/

# The web page at / (web/): bundled once here with esbuild, a dependency of @kyodaku/web.
COPY web/ web/
RUN npm run build:web

# The data directory (database, node key, admin key, origin) is a volume owned by the unprivileged
# user `node` of the image; the node listens on every interface inside the container.
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
ENV KYODAKU_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8787
USER node
EXPOSE 8787

# Liveness: /healthz answers while the process serves HTTP (node:20-slim has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "server/bin/kyodaku-server.js", "start"]
