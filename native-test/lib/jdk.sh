# shellcheck shell=bash
# Finds the JDKs the build and the tests need: one at 22 or later to build the jar (its FFM classes need
# --release 22) and to test the FFM gateway, and one from 11 to 21 to test the JNA gateway. Both must be
# under /usr, where the container sees them. Source from the repository root.

# The feature release of the JDK at $1 (from its release file), or nothing.
_nt_jdk_feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

# Prints the home of the newest JDK (with javac) under /usr/lib/jvm whose feature release is in [$1, $2].
nt_find_jdk() {
  local min="$1" max="$2" best="" best_v=0 home v
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/javac" ] && [ ! -L "$home" ] || continue
    v=$(_nt_jdk_feature "$home")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$min" ] && [ "$v" -le "$max" ] && [ "$v" -gt "$best_v" ]; then
      best="$home"
      best_v="$v"
    fi
  done
  [ -n "$best" ] && echo "$best"
}

# Sets NT_JDK_FFM (>= 22) and NT_JDK_JNA (11..21), or fails naming what is missing and how to get it.
nt_select_jdks() {
  NT_JDK_FFM=$(nt_find_jdk 22 99) || {
    echo "no JDK 22 or later under /usr/lib/jvm: the jar's FFM gateway needs one to build, and its tests to run" \
      "(Temurin 25 comes with these machines; Debian 12 packages none, and trixie's needs glibc 2.38)" >&2
    return 1
  }
  NT_JDK_JNA=$(nt_find_jdk 11 21) || {
    echo "no JDK from 11 to 21 under /usr/lib/jvm to test the JNA gateway (apt-get install openjdk-17-jdk-headless)" >&2
    return 1
  }
  export NT_JDK_FFM NT_JDK_JNA
}

# Maven on the JDK >= 22, tests on both: mvn with these options and JAVA_HOME set.
nt_mvn() {
  local opts="${MAVEN_OPTS:-}"
  # Maven's Guice uses sun.misc.Unsafe, which JDK 24 and later warn about on every run.
  if [ "$(_nt_jdk_feature "$NT_JDK_FFM")" -ge 24 ]; then opts="$opts --sun-misc-unsafe-memory-access=allow"; fi
  # Maven's own temporary files (surefire's deferred output) under target/, not in /tmp, where they would stay;
  # NT_MVN_TMPDIR elsewhere, for a build that cleans target/.
  local tmp="${NT_MVN_TMPDIR:-$PWD/target/tmp}"
  mkdir -p "$tmp"
  opts="$opts -Djava.io.tmpdir=$tmp"
  JAVA_HOME="$NT_JDK_FFM" MAVEN_OPTS="$opts" \
    mvn -Dsdnotify.test.jdk.jna="$NT_JDK_JNA" -Dsdnotify.test.jdk.ffm="$NT_JDK_FFM" "$@"
}

# nt_mvn offline first, writing its output to the file $1: ~/.m2 holds everything after a first build (as
# in CI after the tests), so nothing is fetched; online only when offline resolution is what failed, as on a
# fresh machine. Prints the output's end when it fails.
nt_mvn_offline_first() {
  local log="$1"
  shift
  if nt_mvn -B -o "$@" >"$log" 2>&1; then return 0; fi
  if grep -q 'in offline mode' "$log"; then
    echo "something the build needs is not in ~/.m2 yet: mvn $* online"
    if nt_mvn -B "$@" >"$log" 2>&1; then return 0; fi
  fi
  tail -n 40 "$log" >&2
  echo "mvn $* failed; the whole output is in $log" >&2
  return 1
}

# The project's version, every module's: the root POM's.
nt_project_version() {
  nt_dependency_version sdnotify-parent pom.xml
}

# The <version> right after <artifactId>$1</artifactId> in file $2: a POM's dependency or project version, or
# the README's dependency block.
nt_dependency_version() {
  sed -n "/<artifactId>$1<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}" "$2"
}

# The option a JVM whose home is $1 needs so that the FFM gateway runs without a warning: none before 22.
nt_native_access_opt() {
  if [ "$(_nt_jdk_feature "$1")" -ge 22 ]; then echo --enable-native-access=ALL-UNNAMED; fi
}
