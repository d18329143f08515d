#!/usr/bin/env bash
# Builds Gatehouse and starts the whole demo stack (contract section 2): embedded Redis, the WireMock demo
# backend, the auth-service and the gateway, all on 127.0.0.1. Needs only a JDK 17+. Ctrl-C or SIGTERM stops
# everything; data/ is kept. If any part dies, the launcher prints why, stops the rest and exits with 1.
# Extra arguments for the services: DEMO_AUTH_ARGS, DEMO_GATEWAY_ARGS; another data directory: DEMO_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")"

./mvnw -q -DskipTests package

# the newest launcher jar (original-demo-*.jar, the unshaded one, does not match)
jar=$(ls -t demo/target/demo-*.jar | head -n 1)
exec java -jar "$jar"
