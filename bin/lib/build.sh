# Sourced by the launchers after jdk.sh. `shuttle_classpath MODULE` makes sure the module is built
# and up to date (building it and what it needs with Maven when its jar is missing or older than
# any source), then prints its runtime classpath: the jar and target/lib/*. Build output goes to
# stderr so stdout stays the program's own.
# shellcheck shell=bash

SHUTTLE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

shuttle_jar() { # MODULE
  echo "$SHUTTLE_ROOT/$1/target/shuttle-$1-0.1.0-SNAPSHOT.jar"
}

shuttle_needs_build() { # MODULE
  local jar
  jar=$(shuttle_jar "$1")
  [ -f "$jar" ] || return 0
  # Any source or pom newer than the jar means the jar is stale.
  [ -n "$(find "$SHUTTLE_ROOT" \( -name .git -o -name target \) -prune -o \
      \( -name '*.java' -o -name '*.proto' -o -name pom.xml \) -newer "$jar" -print -quit)" ]
}

shuttle_classpath() { # MODULE
  local module=$1
  if shuttle_needs_build "$module"; then
    if ! command -v mvn >/dev/null 2>&1; then
      echo "error: Maven (mvn) is needed to build Shuttle; install it (apt-get install maven)." >&2
      return 3
    fi
    mkdir -p "$SHUTTLE_ROOT/target"
    (
      # One build at a time, even when several launchers start together.
      flock 9
      if shuttle_needs_build "$module"; then
        echo "building shuttle-$module and what it needs..." >&2
        cd "$SHUTTLE_ROOT" && mvn -q -B -DskipTests install -pl "$module" -am >&2
        # Maven leaves an unchanged jar as it was; mark it as checked against today's sources.
        touch "$(shuttle_jar "$module")"
      fi
    ) 9>"$SHUTTLE_ROOT/target/.build-lock" || { echo "error: the build failed" >&2; return 3; }
  fi
  echo "$(shuttle_jar "$module"):$SHUTTLE_ROOT/$module/target/lib/*"
}
