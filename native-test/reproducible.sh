#!/usr/bin/env bash
# Reproducible-build check: builds the POM, jar, sources jar and javadoc jar of every module of the root build
# (and the parent's POM) twice from clean and fails when any of them differs byte for byte, naming the archive
# entries that differ; prints each artifact's sha256.
# It follows maven-artifact-plugin's local check: `mvn install` (the reference), then
# `mvn clean verify artifact:compare` against what was installed.
#
#   native-test/reproducible.sh
#
# Both builds run in a throwaway copy of the working tree (its tracked files and new files not ignored, so
# uncommitted changes count), which leaves target/ of an earlier test run alone. The first build installs
# every module into ~/.m2, as `mvn install` of the checkout would. Offline when ~/.m2 already holds
# every plugin and dependency (as after native-test/test.sh's build), online otherwise. Tests are not
# compiled or run: they add nothing to the artifacts. A failed check keeps the copy for a closer look.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks

started=$(date +%s)
copy=$(mktemp -d "${TMPDIR:-/tmp}/sdnotify-reproducible.XXXXXX")
keep=""
trap '[ -n "$keep" ] || rm -rf "$copy"' EXIT

# What a build of this working tree sees: tracked files as they are now, and new files not ignored; a link
# stays a link (native-test/consumer/quarkiverse/src).
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  if [ -e "$f" ]; then printf '%s\0' "$f"; fi
done | xargs -0 cp -P --parents -t "$copy"

# Maven in the copy, output to $1; a failed build keeps the copy.
repro_mvn() {
  (cd "$copy" && NT_MVN_TMPDIR="$copy/.mvn-tmp" nt_mvn_offline_first "$@") || { keep=1; return 1; }
}

# Each module's POM file, artifactId and packaging: the parent's, then every module's, nested ones included
# (the library's POM is library.pom.xml).
MODULES=()
add_modules() {
  local pom=$1 dir module packaging
  dir=$(dirname "$pom")
  packaging=$(sed -n 's:^  <packaging>\(.*\)</packaging>.*:\1:p' "$pom")
  # The project's own elements are indented by two spaces, its parent's by four.
  MODULES+=("${pom#./} $(sed -n 's:^  <artifactId>\(.*\)</artifactId>.*:\1:p' "$pom" | head -n 1) ${packaging:-jar}")
  for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' "$pom"); do
    case "$module" in
      *.xml) add_modules "$dir/$module" ;;
      *) add_modules "$dir/$module/pom.xml" ;;
    esac
  done
}
add_modules pom.xml
echo "build 1 of 2 (the reference): mvn install, in $copy"
repro_mvn "$copy/build-1.log" -Dmaven.test.skip=true install
echo "build 2 of 2: mvn clean verify artifact:compare"
repro_mvn "$copy/build-2.log" -Dmaven.test.skip=true -Dcompare.fail=false clean verify artifact:compare

# The plugin's verdict: one .buildcompare per compared module, with ok= / ko= and the file names.
mapfile -t compares < <(find "$copy" -path '*/reference' -prune -o -name '*.buildcompare' -print | sort)
version=$(nt_project_version)
if [ "${#compares[@]}" -eq 0 ]; then
  echo "reproducible: artifact:compare wrote no .buildcompare (see $copy/build-2-*.log)" >&2
  keep=1
  exit 1
fi
ok_files=() ko_files=()
for c in "${compares[@]}"; do
  read -r -a files <<<"$(sed -n 's/^okFiles="\(.*\)"$/\1/p' "$c")"
  ok_files+=("${files[@]}")
  read -r -a files <<<"$(sed -n 's/^koFiles="\(.*\)"$/\1/p' "$c")"
  ko_files+=("${files[@]}")
done

# Build 2's file of an artifact (a POM is its module's POM file), and build 1's, which the plugin fetched
# from ~/.m2 into target/reference/.
built_file() {
  local name="$1" m pom artifact reduced
  case "$name" in
    *.pom)
      for m in "${MODULES[@]}"; do
        read -r pom artifact _ <<<"$m"
        [ "$name" = "$artifact-$version.pom" ] || continue
        # A shaded module publishes the POM the shade plugin reduced.
        reduced="$copy/$(dirname "$pom")/target/dependency-reduced-pom.xml"
        if [ -f "$reduced" ]; then echo "$reduced"; else echo "$copy/$pom"; fi
      done ;;
    *) find "$copy" -path "*/target/$name" -not -path '*/reference/*' -print | head -n 1 ;;
  esac
}
reference_file() { find "$copy" -path '*/target/reference/*' -name "$1" -print | head -n 1; }
sha256() { if [ -f "$1" ]; then sha256sum <"$1" | cut -d' ' -f1; else echo "(missing: ${1:-no file})"; fi; }

# Every artifact Maven Central gets must have been compared: a skipped one would prove nothing.
status=0
compared=" ${ok_files[*]} ${ko_files[*]} "
for m in "${MODULES[@]}"; do
  read -r pom artifact packaging <<<"$m"
  files=("$artifact-$version.pom")
  [ "$packaging" = pom ] || files+=("$artifact-$version.jar" "$artifact-$version-sources.jar" "$artifact-$version-javadoc.jar")
  for f in "${files[@]}"; do
    case "$compared" in
      *" $f "*) ;;
      *) echo "reproducible: $f was not compared (compared:$compared)" >&2; status=1 ;;
    esac
  done
done

# The sha256 of each artifact in both builds; the bytes are checked here too, not only by the plugin.
echo "sha256 of each artifact:"
for f in "${ok_files[@]}" "${ko_files[@]}"; do
  one=$(sha256 "$(reference_file "$f")")
  two=$(sha256 "$(built_file "$f")")
  if [ "$one" = "$two" ]; then
    printf '  %s  %s\n' "$one" "$f"
  else
    printf '  %s  %s  (build 1)\n  %s  %s  (build 2)\n' "$one" "$f" "$two" "$f"
    case " ${ko_files[*]} " in *" $f "*) ;; *) ko_files+=("$f") ;; esac
  fi
done

# Which entries differ, and how: content, or only their time, attributes or order.
for f in "${ko_files[@]}"; do
  status=1
  echo "DIFFERS: $f"
  one=$(reference_file "$f")
  two=$(built_file "$f")
  if [ ! -f "$one" ] || [ ! -f "$two" ]; then
    echo "    one build's file is missing (build 1: ${one:-none}, build 2: ${two:-none})"
    continue
  fi
  python3 - "$one" "$two" <<'PY'
import sys, zipfile

a_path, b_path = sys.argv[1], sys.argv[2]
if not (zipfile.is_zipfile(a_path) and zipfile.is_zipfile(b_path)):
    import difflib
    a = open(a_path, encoding="utf-8", errors="replace").read().splitlines()
    b = open(b_path, encoding="utf-8", errors="replace").read().splitlines()
    for line in list(difflib.unified_diff(a, b, "build 1", "build 2", lineterm=""))[:40]:
        print("    " + line)
    sys.exit(0)
with zipfile.ZipFile(a_path) as za, zipfile.ZipFile(b_path) as zb:
    ia = {i.filename: i for i in za.infolist()}
    ib = {i.filename: i for i in zb.infolist()}
    stamp = lambda i: "%04d-%02d-%02d %02d:%02d:%02d" % i.date_time
    lines, meta = [], []
    for name in sorted(ia.keys() - ib.keys()):
        lines.append("only in build 1: " + name)
    for name in sorted(ib.keys() - ia.keys()):
        lines.append("only in build 2: " + name)
    # Content first: it is what a user of the artifact gets.
    for name in sorted(ia.keys() & ib.keys()):
        x, y = ia[name], ib[name]
        if za.read(name) != zb.read(name):
            lines.append("content differs: " + name)
        elif (x.date_time, x.external_attr, x.extra, x.compress_type) != (y.date_time, y.external_attr, y.extra, y.compress_type):
            meta.append("time or attributes differ: %s (%s vs %s)" % (name, stamp(x), stamp(y)))
    lines += meta
    if not lines:
        order_a = [i.filename for i in za.infolist()]
        order_b = [i.filename for i in zb.infolist()]
        lines.append("entries in another order" if order_a != order_b else "same entries; the archives' bytes differ")
    for line in lines[:25]:
        print("    " + line)
    if len(lines) > 25:
        print("    ... and %d more" % (len(lines) - 25))
PY
done

elapsed=$(($(date +%s) - started))
if [ "$status" -ne 0 ]; then
  keep=1
  echo "reproducible: FAILED after ${elapsed} s; both builds are kept in $copy (target/reference/ holds build 1;" \
    "diffoscope compares two files in depth)" >&2
  exit 1
fi
echo "reproducible: ${#ok_files[@]} artifacts identical in two builds from clean (${elapsed} s)"
