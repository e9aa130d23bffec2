#!/usr/bin/env bash
# Kafka's own console producer, as `bin/kafka-console-producer.sh` of a Kafka download runs it
# (org.apache.kafka.tools.ConsoleProducer), on the jars `npm run kafka:local` runs the broker from: each line
# on stdin becomes one message. For writing by hand to a topic, e.g. to see what the map-server does with
# what is not an event:
#
#   bash scripts/kafka-console-producer.sh --bootstrap-server 127.0.0.1:9092 --topic trendmap.events
#   ... --property parse.key=true --property null.marker='<NULL>'   # "key<TAB>value" lines; <NULL> is null
#
# All arguments go to the tool (--help lists them). The first run resolves the broker's jars and the tools
# jar (scripts/kafka/tools-pom.xml) with Maven into TRENDMAP_CACHE (default ~/.cache/trendmap); Java 17+
# and Maven needed. KAFKA_HEAP_OPTS sets the JVM heap (default -Xmx512m, as Kafka's own script).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { printf 'kafka-console-producer %s\n' "$*" >&2; }
die() { printf 'kafka-console-producer: %s\n' "$*" >&2; exit 1; }
# KAFKA_VERSION, KAFKA_HOME, KAFKA_LIBS, require_java_and_maven, resolve_jars, resolve_broker_jars
# shellcheck source=kafka/jars.sh
source "$SCRIPT_DIR/kafka/jars.sh"

TOOLS="$KAFKA_HOME/tools"
require_java_and_maven
resolve_broker_jars
resolve_jars "$SCRIPT_DIR/kafka/tools-pom.xml" "$TOOLS" "$KAFKA_HOME/.tools-resolved" \
  "the Kafka $KAFKA_VERSION tools jar (org.apache.kafka:kafka-tools:$KAFKA_VERSION)"

# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of options
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} \
  -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.yaml" \
  -cp "$KAFKA_LIBS/*:$TOOLS/*" org.apache.kafka.tools.ConsoleProducer "$@"
