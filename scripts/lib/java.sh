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
