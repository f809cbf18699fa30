# syntax=docker/dockerfile:1
# practica: build with the Rust toolchain, run on a slim Debian as an unprivileged user.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# Cache mounts keep the registry and build artefacts between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p api --bin practica \
    && install -D target/release/practica /out/practica

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/practica practica
COPY --from=build /out/practica /usr/local/bin/practica
USER practica
WORKDIR /var/lib/practica
# In a container the node listens on every interface; the embedded SQLite default
# writes /var/lib/practica/practica.db. Set PRACTICA_DATABASE_URL for a cluster.
ENV PRACTICA_LISTEN=0.0.0.0:8080 \
    PRACTICA_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready >/dev/null || exit 1
# SIGTERM from `docker stop` starts the graceful shutdown.
STOPSIGNAL SIGTERM
ENTRYPOINT ["practica"]
CMD ["serve"]
