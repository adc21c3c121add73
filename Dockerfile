# syntax=docker/dockerfile:1
# Switchyard: gateway and Kubernetes ingress controller. Runs as a non-root user and writes nothing
# but /tmp (mount an emptyDir there) and, when ACME uses a file, its storage volume.

ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only. There is no build step: Node 24 runs the TypeScript sources itself
# (bin/ts-hooks.js); tsx stays a dependency for Node versions without type stripping.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# openssl generates the default certificate served when no other matches; ca-certificates lets
# ACME, ForwardAuth and HTTPS servers be verified against the public roots.
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssl ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY providers ./providers
COPY middlewares ./middlewares
COPY dashboard ./dashboard
# NODE_ENV for the libraries. Nothing is written at run time (no transform cache), so a read-only root
# filesystem works. For thousands of routes under a tight memory limit, see docs/operations.md#memory
# (NODE_OPTIONS=--max-semi-space-size=16).
ENV NODE_ENV=production
# The image's `node` user, by number so runAsNonRoot can check it.
USER 1000:1000
EXPOSE 8000 8443 8080
# The static configuration is read from /etc/switchyard/switchyard.yaml (mount it) unless flags or
# SWITCHYARD_* variables say otherwise.
# V8's young generation capped (src/workers/node-flags.ts): about 90 MB less resident memory with large tables.
ENTRYPOINT ["node", "--max-semi-space-size=8", "bin/switchyard.js"]
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "bin/switchyard.js", "healthcheck"]
