# Sourced by every launcher: finds a JDK of version 21 or newer and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME if new enough, then `java` on PATH, then the newest under /usr/lib/jvm.
# shellcheck shell=bash

shuttle_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

shuttle_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(shuttle_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  candidate=$(command -v java 2>/dev/null || true)
  if [ -n "$candidate" ]; then
    major=$(shuttle_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      candidate=$(readlink -f "$candidate")
      echo "${candidate%/bin/java}"; return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(shuttle_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate; best_major=$major
    fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  return 1
}

if ! SHUTTLE_JDK=$(shuttle_find_jdk); then
  echo "error: Shuttle needs a JDK of version 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  echo "       Install one (for example: apt-get install openjdk-21-jdk) and try again." >&2
  exit 3
fi
export JAVA_HOME="$SHUTTLE_JDK"
export JAVA="$JAVA_HOME/bin/java"
# protobuf-java still uses sun.misc.Unsafe; JDK 24+ warns about it on every start unless allowed.
SHUTTLE_JAVA_OPTS=()
if [ "$(shuttle_java_major "$JAVA")" -ge 24 ]; then
  SHUTTLE_JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow)
fi
