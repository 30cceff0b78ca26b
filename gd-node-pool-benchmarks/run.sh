#!/usr/bin/env bash
# Runs every benchmark of docs/benchmarks.md in one go and writes that file (about 20 minutes).
#   gd-node-pool-benchmarks/run.sh [--quick] [--repetitions N] [--only footprint,throughput,jmh] [--output FILE]
# Needs a JDK 17+ and redis-server / redis-benchmark on PATH; starts its own Redis on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in redis-server redis-benchmark; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool not found on PATH. Install Redis (Debian/Ubuntu: apt-get install redis-server, which brings both)." >&2
    exit 1
  fi
done

# The module is outside the default build: install what it depends on, then build it on its own.
./mvnw -q -B install -DskipTests -pl gd-node-pool-local-redis,gd-node-pool-autoconfigure,gd-node-pool-starter -am
./mvnw -q -B -f gd-node-pool-benchmarks/pom.xml package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile=target/classpath.txt

classpath="gd-node-pool-benchmarks/target/classes:$(cat gd-node-pool-benchmarks/target/classpath.txt)"
exec java -Xms256m -Xmx256m -cp "$classpath" io.gdnode.pool.benchmarks.BenchmarkRunner "$@"
