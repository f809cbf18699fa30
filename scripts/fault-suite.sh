#!/usr/bin/env bash
# The fault suite: brings a cluster up with scripts/cluster.sh (nginx in front of three
# nodes on one PostgreSQL), drives it through nginx while killing, stopping and
# restarting nodes, and fails on any loss. Each case prints its figures.
#
#   scripts/fault-suite.sh [CASE...]     # default: every case, on each configuration
#
# Configurations: SQL backends direct to PostgreSQL; then Redis Cluster sessions and
# locks with the nodes behind PgBouncer. The cluster is taken down however a case ends.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
export PRACTICA_CLUSTER_NODES=3
export PRACTICA_JOB_LEASE_SECONDS=${PRACTICA_JOB_LEASE_SECONDS:-4}
export PRACTICA_JOB_TICK_SECONDS=1
# Every job every 2 s, so the singleton case sees many periods.
export PRACTICA_JOB_INTERVAL_SECONDS=2
# Access tokens shorter-lived than the clock-skew case's offset (5 min), so that a node
# judging their expiry by its own clock would refuse every one.
export PRACTICA_ACCESS_TOKEN_TTL_SECS=240
cases=("$@")
# database-restart restarts, then stops for 10 s, this machine's PostgreSQL (the one the
# nodes use); the exit trap starts it again whatever happens.
[ ${#cases[@]} -gt 0 ] || cases=(sessions lost-updates double-booking files locks singletons database-restart clock-skew rolling-restart)

cargo build -q -p api -p tests --bin practica --bin fault-suite
driver="$target_dir/debug/fault-suite"
# The nodes run the binary just built, never an older release build beside it.
export PRACTICA_CLUSTER_PROFILE=debug

start_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 && return
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
}
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; start_postgres' EXIT
failed=0
started=$SECONDS
for configuration in "" "--redis-cluster --pgbouncer"; do
  label=${configuration:-sql}
  echo "== configuration: $label"
  # shellcheck disable=SC2086
  scripts/cluster.sh up 3 $configuration
  configuration_cases=("${cases[@]}")
  # Redis outages need Redis: only on the Redis Cluster configuration, when not narrowed.
  if [ "$label" != sql ] && [ $# -eq 0 ]; then configuration_cases+=(redis-outage); fi
  # The partition cuts one node, in a network namespace, off from PostgreSQL; on the
  # Redis Cluster configuration that node could not reach the cluster's masters either
  # (they announce loopback addresses), so the case runs on sql only.
  if [ "$label" = sql ] && [ $# -eq 0 ]; then configuration_cases+=(network-partition); fi
  for case in "${configuration_cases[@]}"; do
    case_started=$SECONDS
    if "$driver" "$case"; then
      echo "   ($label) $case passed in $((SECONDS - case_started)) s"
    else
      echo "   ($label) $case FAILED"
      failed=1
    fi
    # A case may leave a node stopped or down: every node runs for the next one.
    for i in 1 2 3; do scripts/cluster.sh kill "$i" CONT 2>/dev/null || true; done
    for i in 1 2 3; do scripts/cluster.sh start "$i" 2>/dev/null || true; done
  done
  scripts/cluster.sh down >/dev/null 2>&1
done
echo "== fault suite: $([ $failed = 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s"
exit $failed
