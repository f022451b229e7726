# LeadLedger container image. Build: docker build -t leadledger .
# (Not built on the development machines, which have no Docker engine.)
ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
COPY scripts/ scripts/
# librdkafka >= 2.2 from Debian's own newer source package, without the Python test tools.
RUN scripts/bootstrap --no-python
COPY Package.swift ./
COPY Sources/ Sources/
# The manifest names the test targets too; SwiftPM checks every target's folder
# even when it builds one product.
COPY Tests/ Tests/
RUN swift build -c release --product leadledger --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/leadledger" /out/leadledger

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libssl3 zlib1g libzstd1 liblz4-1 \
      libsasl2-2 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/lib/librdkafka.so.1 /usr/local/lib/
RUN ldconfig
COPY --from=build /out/leadledger /usr/local/bin/leadledger
COPY schemas/ /usr/share/leadledger/schemas/
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it (deploy/kubernetes/).
RUN useradd --system --uid 10001 --user-group --home /var/lib/leadledger --create-home leadledger \
 && install -d -o leadledger -g leadledger /var/lib/leadledger/state /var/lib/leadledger/serve /var/lib/leadledger/tokens
# A named volume mounted on one of these starts as a copy of this directory, so it is
# owned by the service user, not by root.
VOLUME ["/var/lib/leadledger/state", "/var/lib/leadledger/serve", "/var/lib/leadledger/tokens"]
# The default scoring configuration, model artifact and routing rules: `run`,
# `replay`, `audit verify` and `explain` read config/*.yaml relative to the
# working directory (override with --scoring-config/--routing-rules).
COPY --chown=leadledger config/ /var/lib/leadledger/config/
USER 10001
WORKDIR /var/lib/leadledger
# run serves /metrics and /health on 8080; serve the API and dashboard on 8081.
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/leadledger"]
