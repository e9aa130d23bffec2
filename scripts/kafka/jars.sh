# shellcheck shell=bash
# Sourced by scripts/kafka-local.sh and scripts/kafka-console-producer.sh: where the Kafka jars live, the
# Java and Maven check, and the jars of a pom resolved once into that cache. Callers define `say` and `die`.

KAFKA_VERSION=4.1.2
KAFKA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_CACHE="${TRENDMAP_CACHE:-$HOME/.cache/trendmap}"
KAFKA_HOME="$KAFKA_CACHE/kafka-$KAFKA_VERSION"
# The broker's jars (scripts/kafka/pom.xml); a running broker reads classes from here.
KAFKA_LIBS="$KAFKA_HOME/libs"

# Java 17+ (Kafka 4 needs it) and Maven (resolves the jars); `die`s with the package to install.
require_java_and_maven() {
  command -v java >/dev/null 2>&1 \
    || die "java was not found. Install Java 17 or newer and Maven, e.g. 'apt-get install openjdk-17-jre-headless maven'."
  command -v mvn >/dev/null 2>&1 \
    || die "mvn (Maven) was not found. Install it, e.g. 'apt-get install maven' (Java 17+ too: 'apt-get install openjdk-17-jre-headless maven')."
  local version_line version major
  version_line="$(java -version 2>&1 | head -n 1)"
  version="$(printf '%s\n' "$version_line" | sed -n 's/.*version "\([^"]*\)".*/\1/p')"
  major="${version%%[.+-]*}"
  if [[ "$major" == 1 ]]; then # "1.8.0_402" style
    major="$(printf '%s' "$version" | cut -d. -f2)"
  fi
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not read the Java version from '$version_line'. Kafka $KAFKA_VERSION needs Java 17+: 'apt-get install openjdk-17-jre-headless maven'."
  ((major >= 17)) \
    || die "Java $version is too old: Kafka $KAFKA_VERSION needs Java 17 or newer ('apt-get install openjdk-17-jre-headless maven')."
}

# resolve_jars POM DIR MARKER WHAT: copies the runtime dependencies of POM into DIR with Maven, unless DIR
# already holds the set for this very POM (the file MARKER records the pom's hash). A new set replaces the
# old one as a whole, so a concurrent start never sees a half-copied directory.
resolve_jars() {
  local pom="$1" dir="$2" marker="$3" what="$4"
  [[ -f "$pom" ]] || die "missing $pom"
  local pom_hash
  pom_hash="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$pom_hash" && -d "$dir" ]]; then
    return 0
  fi
  say "resolving $what with Maven into $dir (first run only) ..."
  mkdir -p "$(dirname "$dir")"
  local staging mvn_output
  staging="$(mktemp -d "$dir.XXXXXX")"
  if ! mvn_output="$(mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging" 2>&1)"; then
    printf '%s\n' "$mvn_output" >&2
    rm -rf "$staging"
    die "Maven could not resolve $what (is Maven Central reachable?)."
  fi
  rm -rf "$dir.old"
  [[ -d "$dir" ]] && mv "$dir" "$dir.old"
  mv "$staging" "$dir"
  rm -rf "$dir.old"
  printf '%s\n' "$pom_hash" >"$marker"
}

# The broker's jars, resolved on first use.
resolve_broker_jars() {
  resolve_jars "$KAFKA_SCRIPTS/pom.xml" "$KAFKA_LIBS" "$KAFKA_HOME/.resolved" \
    "Kafka $KAFKA_VERSION jars (org.apache.kafka:kafka_2.13:$KAFKA_VERSION)"
}
