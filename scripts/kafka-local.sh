#!/usr/bin/env bash
# `npm run kafka:local`: a real single-node Apache Kafka broker (KRaft, combined broker + controller) for
# development and CI, run from the Maven Central jars; no Docker, no Kafka download.
#
#   KAFKA_HOST             address both listeners bind to                 (default 127.0.0.1)
#   KAFKA_ADVERTISED_HOST  address clients are told to use                (default KAFKA_HOST; 127.0.0.1 for 0.0.0.0)
#   KAFKA_PORT             PLAINTEXT (client) port                        (default 9092)
#   KAFKA_CONTROLLER_PORT  CONTROLLER (KRaft quorum) port                 (default 9093)
#   KAFKA_DATA_DIR         config + log directory; reused when formatted  (default $TRENDMAP_CACHE/kafka-data)
#   TRENDMAP_CACHE         where the jars are cached, outside the tree    (default ~/.cache/trendmap)
#   KAFKA_HEAP_OPTS        JVM heap                                       (default -Xms256m -Xmx768m)
#   KAFKA_JVM_OPTS         extra JVM options                              (default none)
#   KAFKA_LOG_LEVEL        broker log level (scripts/kafka/log4j2.yaml)   (default WARN)
#   KAFKA_PARENT_PID       stop the broker when this process is gone      (used by scripts/kafka-test-broker.ts)
#   KAFKA_DATA_DIR_IS_TEMP=1  with KAFKA_PARENT_PID: then also delete KAFKA_DATA_DIR once that process is gone
#
# The broker runs in the foreground; Ctrl-C (SIGINT) or SIGTERM shuts it down cleanly. Once it answers
# Kafka requests it prints one line starting with "kafka:local ready on HOST:PORT" (the test helper
# scripts/kafka-test-broker.ts waits for it).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# KAFKA_VERSION, KAFKA_CACHE, KAFKA_LIBS, require_java_and_maven, resolve_broker_jars
# shellcheck source=kafka/jars.sh
source "$SCRIPT_DIR/kafka/jars.sh"
LOG_CONFIG="$SCRIPT_DIR/kafka/log4j2.yaml"
LIBS="$KAFKA_LIBS"
HOST="${KAFKA_HOST:-127.0.0.1}"
if [[ "$HOST" == 0.0.0.0 ]]; then
  ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-127.0.0.1}"
else
  ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-$HOST}"
fi
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_CACHE/kafka-data}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

say() { printf 'kafka:local %s\n' "$*"; }
die() { printf 'kafka:local: %s\n' "$*" >&2; exit 1; }

# --- tools, and jars resolved once into the cache ---------------------------------------------------------
require_java_and_maven
resolve_broker_jars

# --- ports: free? (checked before Java starts) --------------------------------------------------------------
[[ "$PORT" =~ ^[0-9]+$ && "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be numbers."
[[ "$PORT" != "$CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT are both $PORT; they must differ."
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
for p in "$PORT" "$CONTROLLER_PORT"; do
  if port_open "$ADVERTISED_HOST" "$p"; then
    die "port $ADVERTISED_HOST:$p is already in use (another Kafka?). Stop it, or pick other ports: KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 npm run kafka:local"
  fi
done

# --- config, and storage formatted once ----------------------------------------------------------------------------------
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
LOG_DIR="$DATA_DIR/kraft-combined-logs"
CONFIG="$DATA_DIR/server.properties"
cat >"$CONFIG" <<EOF
# Written by scripts/kafka-local.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$ADVERTISED_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$ADVERTISED_HOST:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$LOG_DIR
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# After a crash (SIGKILL) the restarted controller refuses the broker's new registration until the old one's
# session expires (DUPLICATE_BROKER_REGISTRATION): 4 s instead of the default 9 s halves a crash-restart.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
EOF

if [[ -f "$LOG_DIR/meta.properties" ]]; then
  cluster_id="$(sed -n 's/^cluster\.id=//p' "$LOG_DIR/meta.properties")"
  say "reusing the data in $DATA_DIR (cluster $cluster_id)"
else
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding (22 characters). Like Kafka's
  # own Uuid.randomUuid(), never one that starts with '-', which the storage tool would read as an option
  # (about 1 start in 64 would fail otherwise).
  cluster_id=-
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  if ! format_output="$(java -Xmx256m -Dlog4j2.configurationFile="$LOG_CONFIG" \
    -cp "$LIBS/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" 2>&1)"; then
    printf '%s\n' "$format_output" >&2
    die "formatting the storage in $LOG_DIR failed."
  fi
  say "formatted new storage in $DATA_DIR (cluster $cluster_id)"
fi

# --- run in the foreground ------------------------------------------------------------------------------
# A watcher prints the ready line once the broker answers a Kafka ApiVersions request (an open port alone is
# not enough: the listener binds before the broker has caught up with its metadata and unfenced itself).
api_versions_ok() {
  # ApiVersions v0: size 14 | api_key 18 | api_version 0 | correlation_id 0x4b4c | client_id "ping"
  local reply
  reply="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/$ADVERTISED_HOST/$PORT" || exit 1
    printf '\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x4b\x4c\x00\x04ping' >&3
    timeout 2 head -c 8 <&3 | od -An -tx1 | tr -d ' \n'
  )" || return 1
  # 4-byte size, then the correlation id echoed back
  [[ "${#reply}" == 16 && "${reply:8:8}" == 00004b4c ]]
}
broker_pid=$$ # `exec` below keeps this pid for the JVM
(
  deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    kill -0 "$broker_pid" 2>/dev/null || exit 0
    if api_versions_ok; then
      say "ready on $ADVERTISED_HOST:$PORT (Kafka $KAFKA_VERSION, data in $DATA_DIR)"
      exit 0
    fi
    sleep 0.1
  done
  say "broker did not answer on $ADVERTISED_HOST:$PORT within 180 s; still waiting on it" >&2
) </dev/null &

# Tests: a test runner that dies without stopping its broker (SIGKILL, a timeout) must not leave it running,
# and a temporary data directory goes once the runner is gone, whether it stopped the broker or not (a test
# that stops a broker may start it again on the same data, and a test worker ends without exit hooks).
if [[ -n "${KAFKA_PARENT_PID:-}" ]]; then
  (
    broker_alive=1
    while kill -0 "$KAFKA_PARENT_PID" 2>/dev/null; do
      # Once gone, the broker's pid is never signalled again: another process may be given it.
      if ((broker_alive)) && ! kill -0 "$broker_pid" 2>/dev/null; then broker_alive=0; fi
      sleep 1
    done
    if ((broker_alive)) && kill -0 "$broker_pid" 2>/dev/null; then
      kill -TERM "$broker_pid" 2>/dev/null
      for ((i = 0; i < 300; i++)); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$broker_pid" 2>/dev/null || true
    fi
    if [[ "${KAFKA_DATA_DIR_IS_TEMP:-}" == 1 ]]; then rm -rf "$DATA_DIR"; fi
  ) </dev/null >/dev/null 2>&1 &
fi

# shellcheck disable=SC2086 # HEAP_OPTS / KAFKA_JVM_OPTS are lists of options
exec java $HEAP_OPTS ${KAFKA_JVM_OPTS:-} \
  -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$LOG_CONFIG" \
  -cp "$LIBS/*" kafka.Kafka "$CONFIG"
