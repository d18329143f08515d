#!/usr/bin/env bash
# DPoP proof verification cost (docs/dpop.md): the gateway's DpopProofVerifier for RS256 (2048-bit), ES256 and
# EdDSA (Ed25519), with JMH, on the default java and on each JDK named in DPOP_BENCH_JDKS (JAVA_HOME directories).
# Extra arguments go to JMH, e.g.:  bench/dpop-proof.sh -f1 -wi 3 -i 5 -w 2s -r 2s
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl gateway -am -DskipTests install
./mvnw -q -pl gateway test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/test-classpath.txt)"
for java_home in "" ${DPOP_BENCH_JDKS:-}; do
  java="${java_home:+$java_home/bin/}java"
  echo "== $("$java" -version 2>&1 | head -1)"
  "$java" -cp "$cp" org.openjdk.jmh.Main DpopProofBenchmark "$@"
done
