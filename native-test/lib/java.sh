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

# Every module in the local Maven repository, by the README's coordinates: installed (tests skipped) unless
# each jar there is newer than every source and POM of the tree.
nt_install_modules() {
  local version repo module jar
  version=$(nt_project_version)
  repo="${NT_M2_REPO:-$HOME/.m2/repository}/dev/sdnotify"
  for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
    [ "$module" = library.pom.xml ] && module=sdnotify || module=$(nt_module_artifact "$module")
    jar="$repo/$module/$version/$module-$version.jar"
    if [ ! -f "$jar" ] || [ -n "$(find src/main ./*/src ./*pom.xml ./*/pom.xml -newer "$jar" -print -quit)" ]; then
      echo "installing every module, $version, into the local Maven repository (tests skipped)"
      nt_mvn -q -B -Dmaven.test.skip=true install
      return
    fi
  done
}

# The artifactId of the module in directory $1.
nt_module_artifact() {
  sed -n '/<\/parent>/,/<artifactId>/s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' "$1/pom.xml" | head -n 1
}

# The Spring Boot service the container suite runs (native-test/consumer/spring-boot), as an executable jar in
# NT_SPRING_JAR, built against the installed modules.
NT_SPRING_JAR=""
nt_build_spring_service() {
  local app=native-test/consumer/spring-boot
  nt_install_modules || return 1
  NT_SPRING_JAR="$PWD/$app/target/spring-boot-service.jar"
  local starter
  starter="${NT_M2_REPO:-$HOME/.m2/repository}/dev/sdnotify/sdnotify-spring-boot-starter/$(nt_project_version)"
  if [ ! -f "$NT_SPRING_JAR" ] || [ -n "$(find "$starter" "$app/src" "$app/pom.xml" -newer "$NT_SPRING_JAR" -print -quit)" ]; then
    echo "building the Spring Boot service ($app)"
    nt_mvn -q -B -f "$app/pom.xml" package
  fi
}
