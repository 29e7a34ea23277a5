# shellcheck shell=bash
# Builds what a container run needs: the library jar, its runtime classpath, and Java programs compiled
# against them; and the read-only binds that make them visible inside the container under /opt/sdnotify.
# Source from the repository root (it sources jdk.sh).

source native-test/lib/jdk.sh

NT_OUT="$PWD/target/native-test"
NT_JAR=""
NT_DEPS=""
NT_JAVA=""

# The library jar, built once (kept while newer than the sources), and its runtime dependencies (JNA).
nt_build_library() {
  [ -n "${NT_JDK_FFM:-}" ] || nt_select_jdks || return 1
  NT_JAR=$(_nt_find_jar)
  if [ -n "$NT_JAR" ] && [ -n "$(find src/main pom.xml library.pom.xml -newer "$NT_JAR" -print -quit)" ]; then
    NT_JAR=""
  fi
  if [ -z "$NT_JAR" ]; then
    echo "building the library jar (mvn -q -B -f library.pom.xml package, on $NT_JDK_FFM)"
    nt_mvn -q -B -f library.pom.xml package
    NT_JAR=$(_nt_find_jar)
    if [ -z "$NT_JAR" ]; then echo "no target/sdnotify-*.jar after the build" >&2; return 1; fi
  fi
  if [ ! -s target/runtime.classpath ] || [ library.pom.xml -nt target/runtime.classpath ]; then
    nt_mvn -q -B -f library.pom.xml dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath -DincludeScope=runtime
  fi
  NT_DEPS=$(cat target/runtime.classpath)
  # The JDK must be under /usr: the container sees the host's /usr only.
  NT_JAVA=$(readlink -f "$(command -v java)")
  case "$NT_JAVA" in
    /usr/*) ;;
    *) echo "the JDK must live under /usr to be visible in the container; java is $NT_JAVA" >&2; return 1 ;;
  esac
}

_nt_find_jar() {
  local f
  for f in target/sdnotify-*.jar; do
    case "$f" in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
    if [ -f "$f" ]; then echo "$PWD/$f"; return; fi
  done
}

# Compiles every .java file under the given directories (those that exist) into $1, once: skipped while
# the output is newer than the sources and the jar.
nt_compile() {
  local out="$1" dir src=()
  shift
  for dir in "$@"; do
    if [ -d "$dir" ]; then
      while IFS= read -r -d '' f; do src+=("$f"); done < <(find "$dir" -name '*.java' -print0)
    fi
  done
  if [ "${#src[@]}" -eq 0 ]; then echo "no Java sources under: $*" >&2; return 1; fi
  # Class files for every JDK a suite brings (11 and later); the stamp holds the release and the sources.
  local release=11 stamp="$out/.compiled" f stale=""
  if [ ! -f "$stamp" ] || [ "$NT_JAR" -nt "$stamp" ]; then stale=1; fi
  # A source added since (with an older time stamp) counts too: the stamp holds the list compiled.
  if [ -f "$stamp" ] && [ "$(printf '%s\n' "--release $release" "${src[@]}")" != "$(cat "$stamp")" ]; then stale=1; fi
  for f in "${src[@]}"; do
    if [ "$f" -nt "$stamp" ]; then stale=1; fi
  done
  if [ -n "$stale" ]; then
    rm -rf "$out"
    mkdir -p "$out"
    # Quiet unless it fails: the services use sun.misc.Signal, which javac always warns about.
    local log
    if ! log=$("$(dirname "$NT_JAVA")/javac" -encoding UTF-8 --release "$release" -d "$out" \
      -cp "$NT_JAR:$NT_DEPS" "${src[@]}" 2>&1); then
      echo "$log" >&2
      return 1
    fi
    printf '%s\n' "--release $release" "${src[@]}" >"$stamp"
  fi
}

# Writes $NT_OUT/bin/jrun, which runs a class in the container with the library on the class path. A
# unit sets SDN_JAVA_OPTS (for example -Dsdnotify.backend=libsystemd) and SDN_JAVA_EXTRA (more options);
# unset means the defaults.
# The JVM is $1 (a java in the container; default: the host's, NT_JAVA); one of 22 or later (the FFM
# gateway) gets native access for the class path, as the hardened units do.
nt_write_launcher() {
  local java="${1:-$NT_JAVA}" extra="" feature
  feature=$(_nt_jdk_feature "${NT_SUITE_ROOT:-}$(dirname "$(dirname "$java")")")
  if [ "${feature:-0}" -ge 22 ]; then
    extra="--enable-native-access=ALL-UNNAMED "
  fi
  mkdir -p "$NT_OUT/bin"
  cat >"$NT_OUT/bin/jrun" <<EOF
#!/bin/sh
# Short-lived test JVMs: client compiler only, serial GC, class data sharing.
# shellcheck disable=SC2086
exec $java ${extra}-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xss512k \$SDN_JAVA_OPTS \$SDN_JAVA_EXTRA \\
  -cp '/opt/sdnotify/classes:/opt/sdnotify/lib/*' "\$@"
EOF
  chmod 755 "$NT_OUT/bin/jrun"
}

# The read-only binds for ct_boot: the jar and its dependencies in /opt/sdnotify/lib, the classes
# compiled into $1 in /opt/sdnotify/classes, and $NT_OUT/bin (if written) in /opt/sdnotify/bin.
nt_binds() {
  local classes="$1" dep
  echo "$NT_JAR:/opt/sdnotify/lib/$(basename "$NT_JAR")"
  local IFS=:
  for dep in $NT_DEPS; do
    echo "$dep:/opt/sdnotify/lib/$(basename "$dep")"
  done
  echo "$classes:/opt/sdnotify/classes"
  if [ -d "$NT_OUT/bin" ]; then echo "$NT_OUT/bin:/opt/sdnotify/bin"; fi
}

# The modules in the directories $@ (spring-boot-starter, quarkus/runtime, ...) in the local Maven repository, by
# the README's coordinates: installed with what they build on (tests skipped) unless each one's jar there is newer
# than its sources and those it is built from.
nt_install_modules() {
  local version repo module jar stale=()
  version=$(nt_project_version)
  repo="${NT_M2_REPO:-$HOME/.m2/repository}/dev/sdnotify"
  for module in "$@"; do
    jar="$repo/$(nt_module_artifact "$module")/$version/$(nt_module_artifact "$module")-$version.jar"
    # shellcheck disable=SC2046 # the inputs are paths of the tree, without spaces
    if [ ! -f "$jar" ] || [ -n "$(find $(_nt_module_inputs "$module") -newer "$jar" -print -quit)" ]; then
      stale+=("$module")
    fi
  done
  [ "${#stale[@]}" -gt 0 ] || return 0
  echo "installing ${stale[*]} and what they build on, $version, into the local Maven repository (tests skipped)"
  nt_mvn -q -B -Dmaven.test.skip=true -pl "$(IFS=,; echo "${stale[*]}")" -am install
}

# What the jar of the module in directory $1 is built from: its main sources and POM, the POMs above it, the
# library's and the lifecycle core's (the Boot 3 starter compiles the Boot 4 starter's main sources too).
_nt_module_inputs() {
  local dir="$1"
  echo "$1/src/main" "$1/pom.xml" pom.xml library.pom.xml src/main lifecycle/src/main lifecycle/pom.xml
  while [ "$(dirname "$dir")" != . ]; do
    dir=$(dirname "$dir")
    echo "$dir/pom.xml"
  done
  [ "$1" != spring-boot3-starter ] || echo spring-boot-starter/src/main
}

# The artifactId of the module in directory $1.
nt_module_artifact() {
  sed -n '/<\/parent>/,/<artifactId>/s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' "$1/pom.xml" | head -n 1
}

# The web services the container suite runs, each a project under native-test/consumer/ that uses one module by
# the README's coordinates and has no code for systemd: the module directories it is built against, and what its
# build leaves under its target/ that the container gets (in /opt/sdnotify/web).
# quarkiverse is the Quarkus service with quarkiverse's quarkus-systemd-notify in place of sdnotify-quarkus.
declare -A NT_WEB_MODULES=([spring-boot]=spring-boot-starter [spring-boot3]=spring-boot3-starter
  [quarkus]="quarkus/runtime quarkus/deployment" [quarkiverse]="" [micronaut]=micronaut)
declare -A NT_WEB_OUTPUT=([spring-boot]=spring-boot-service.jar [spring-boot3]=spring-boot3-service.jar
  [quarkus]=quarkus-app [quarkiverse]=quarkiverse-app [micronaut]=micronaut-service.jar)

# Builds the web services $@ (all by default) against the installed modules, each unless its output is newer
# than its sources and those modules' jars; offline first (see nt_mvn_offline_first).
nt_build_web_services() {
  local name app out stamp modules=() m version repo
  [ "$#" -gt 0 ] || set -- spring-boot spring-boot3 quarkus micronaut
  for name in "$@"; do
    read -ra m <<<"${NT_WEB_MODULES[$name]}"
    modules+=("${m[@]}")
  done
  nt_install_modules "${modules[@]}" || return 1
  version=$(nt_project_version)
  repo="${NT_M2_REPO:-$HOME/.m2/repository}/dev/sdnotify"
  mkdir -p "$NT_OUT"
  for name in "$@"; do
    app=native-test/consumer/$name
    out=$(nt_web_service "$name")
    # A directory's own time says little: its launcher is the stamp.
    stamp=$out
    [ ! -d "$out" ] || stamp=$out/quarkus-run.jar
    # Every installed module's jar, not only the service's own: the library and the lifecycle core are in it too.
    # src/: through quarkiverse's link to the Quarkus service's sources.
    if [ ! -f "$stamp" ] || [ -n "$(find "$repo" "$app/src/" "$app/pom.xml" \( -name '*.jar' -path "*/$version/*" -o \
        -path "$app/*" \) -newer "$stamp" -print -quit)" ]; then
      echo "building the $name service ($app)"
      nt_mvn_offline_first "$NT_OUT/build-$name.log" -q -f "$app/pom.xml" package || return 1
    fi
  done
}

# What the build of web service $1 leaves for the container: a jar, or Quarkus's application directory.
nt_web_service() {
  echo "$PWD/native-test/consumer/$1/target/${NT_WEB_OUTPUT[$1]}"
}

# The Spring Boot 4 service (native-test/consumer/spring-boot) as an executable jar in NT_SPRING_JAR.
NT_SPRING_JAR=""
nt_build_spring_service() {
  nt_build_web_services spring-boot || return 1
  NT_SPRING_JAR=$(nt_web_service spring-boot)
}
