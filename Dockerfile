# Ninefold in a container: built in a Rust image, run from a slim Debian as a non-root
# user, the data directory (SQLite file, if used) on a volume.
#   docker build -t ninefold .
#   docker run -p 8080:8080 -v ninefold-data:/data ninefold
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin ninefold

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311+deb12u1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ninefold \
    && mkdir -p /data && chown ninefold /data
COPY --from=build /src/target/release/ninefold /usr/local/bin/ninefold
USER 10001
WORKDIR /data
ENV NINEFOLD_DATA_DIR=/data \
    NINEFOLD_BIND=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/ninefold"]
CMD ["serve"]
