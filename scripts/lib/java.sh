# Finds a JDK of release 21 or newer: $JAVA_HOME, then Temurin 25, then any JDK under /usr/lib/jvm.
# Prints its home directory; fails with a message naming what to install.

java_major() { # JAVA_BIN -> major version number
  # The JDK's release file answers without starting a JVM (that alone costs ~100 ms per CLI call),
  # read with shell built-ins only: every process forked here is start-up time of each CLI call.
  local release="${1%/bin/java}/release" line
  [ -r "$release" ] || release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -r "$release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*) line="${line#JAVA_VERSION=\"}"; echo "${line%%[!0-9]*}"; return 0 ;;
      esac
    done < "$release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1 | cut -d. -f1
  fi
}

mags_java_home() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  local home major
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    major="$(java_major "$home/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$home"
      return 0
    fi
  done
  echo "mags: Java 21 or newer is required (looked at \$JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64 and /usr/lib/jvm/*)" >&2
  return 1
}

# JVM options that quieten warnings of the libraries on new JDKs; harmless on 21.
mags_jvm_opts() {
  local major; major="$(java_major "$1/bin/java")"
  local opts="--enable-native-access=ALL-UNNAMED"
  if [ "$major" -ge 24 ]; then opts="$opts --sun-misc-unsafe-memory-access=allow"; fi
  echo "$opts"
}

# JVM options of the server (bin/magsd). Its heap is bounded, so that whatever goes wrong it cannot
# take the host's memory: job output and followers hold bounded buffers (docs/ARCHITECTURE.md), and
# a heap that still runs out ends the process (-XX:+ExitOnOutOfMemoryError) for a supervisor to
# restart, instead of leaving it half-working. MAGS_HEAP sets the heap (default 1g: the JVM's own
# -Xmx syntax, e.g. 512m, 2g); MAGS_JAVA_OPTS adds options after these (the last -Xmx wins).
mags_server_jvm_opts() {
  local heap="${MAGS_HEAP:-1g}"
  case "$heap" in
    *[!0-9kKmMgG]* | [!0-9]* | "")
      echo "magsd: MAGS_HEAP='$heap' is not a heap size; write it as for java -Xmx, e.g. 512m or 2g" >&2
      return 1 ;;
  esac
  echo "-Xmx$heap -XX:+ExitOnOutOfMemoryError ${MAGS_JAVA_OPTS:-}"
}
