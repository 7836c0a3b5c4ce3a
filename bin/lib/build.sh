# Sourced by the launchers after jdk.sh: makes sure the examples are built and up to date, then
# exports SHUTTLE_EXAMPLES_CP. Build output goes to stderr so stdout stays the program's own.
# shellcheck shell=bash

SHUTTLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHUTTLE_EXAMPLES_JAR="$SHUTTLE_ROOT/examples/target/shuttle-examples-0.1.0-SNAPSHOT.jar"
export SHUTTLE_EXAMPLES_CP="$SHUTTLE_EXAMPLES_JAR:$SHUTTLE_ROOT/examples/target/lib/*"

shuttle_needs_build() {
  [ -f "$SHUTTLE_EXAMPLES_JAR" ] || return 0
  # Any source or pom newer than the jar means the jar is stale.
  [ -n "$(find "$SHUTTLE_ROOT" \( -name .git -o -name target \) -prune -o \
      \( -name '*.java' -o -name '*.proto' -o -name pom.xml \) -newer "$SHUTTLE_EXAMPLES_JAR" -print -quit)" ]
}

if shuttle_needs_build; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: Maven (mvn) is needed to build Shuttle; install it (apt-get install maven)." >&2
    exit 3
  fi
  mkdir -p "$SHUTTLE_ROOT/target"
  (
    # One build at a time, even when several launchers start together.
    flock 9
    if shuttle_needs_build; then
      echo "building Shuttle (once)..." >&2
      cd "$SHUTTLE_ROOT" && mvn -q -B -DskipTests install -pl examples -am >&2
    fi
  ) 9>"$SHUTTLE_ROOT/target/.build-lock" || { echo "error: the build failed" >&2; exit 3; }
fi
