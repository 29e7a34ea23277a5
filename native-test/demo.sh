#!/usr/bin/env bash
# Runs the example service under a local stand-in for the service manager, once per backend, and prints
# every message the supervisor received with the sender's pid.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -q -B -DskipTests package
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime
cp="$(ls target/sdnotify-*.jar | head -n 1):$(cat target/runtime.classpath)"

for backend in libsystemd java; do
  echo "=== backend: $backend"
  java -cp "$cp" native-test/demo/LocalSupervisor.java \
    java -Dsdnotify.backend="$backend" -cp "$cp" native-test/demo/ExampleService.java
done
