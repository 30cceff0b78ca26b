#!/usr/bin/env bash
# Runs every benchmark of docs/benchmarks.md in one go and writes that file (the run time is in its machine table).
#   gd-node-pool-benchmarks/run.sh [--quick] [--repetitions N] [--only footprint,throughput,jmh] [--output FILE]
# The throughput section alone, every client against its own Redis (about 3 minutes on 2 cores with --quick):
#   gd-node-pool-benchmarks/run.sh --quick --only throughput
# Needs a JDK 17+ and redis-server / redis-benchmark on PATH; starts its own Redis on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in redis-server redis-benchmark; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool not found on PATH. Install Redis (Debian/Ubuntu: apt-get install redis-server, which brings both)." >&2
    exit 1
  fi
done

# The module is outside the default build (profile benchmarks). One reactor build packages it with
# what it depends on, so that its classpath names this checkout's jars, not whatever another checkout
# last installed in the local repository. MAVEN_ARGS=-Pboot-4.0 measures on the Spring Boot 4.0 line.
./mvnw -q -B -Pbenchmarks -DskipTests -pl gd-node-pool-benchmarks -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt

classpath="gd-node-pool-benchmarks/target/classes:$(cat gd-node-pool-benchmarks/target/classpath.txt)"
exec java -Xms256m -Xmx256m -cp "$classpath" io.gdnode.pool.benchmarks.BenchmarkRunner "$@"
