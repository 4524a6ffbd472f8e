# syntax=docker/dockerfile:1
# One image per Ferry service:  docker build --build-arg SERVICE=source -t ghcr.io/ferry/source:v0.1.0 .
# SERVICE is source, reconciler or notifier. The services run as compiled JavaScript on production
# dependencies only; @ferry/* libraries resolve through the npm workspace links to their compiled src/index.js.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund
RUN npx tsc -p tsconfig.build.json
# Each library's package.json points at its compiled entry point (the sources' have none: tsconfig paths resolve them).
RUN for lib in libs/*/; do \
      name="$(basename "$lib")"; \
      [ -d "dist/libs/$name" ] || continue; \
      node -e "const p=require('./libs/$name/package.json'); p.main='src/index.js'; require('fs').writeFileSync('dist/libs/$name/package.json', JSON.stringify(p, null, 2))"; \
    done
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./libs
COPY --from=build /app/dist/services/${SERVICE} ./services/${SERVICE}
# The source service checks OpenPGP signatures (GitRepository spec.verify) with the gpg command.
RUN if [ "${SERVICE}" = source ]; then apt-get update && apt-get install -y --no-install-recommends gnupg && rm -rf /var/lib/apt/lists/*; fi
# Writable state (artifacts, git mirrors, an embedded SQLite store) goes to /data, owned by the unprivileged user.
RUN test -f "services/${SERVICE}/src/main.js" && mkdir -p /data && chown node:node /data
USER node
WORKDIR /app/services/${SERVICE}
CMD ["node", "src/main.js"]
