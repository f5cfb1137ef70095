#!/usr/bin/env bash
# postqueue -p on a queue of N messages (default 10,000), Postroom beside Debian's Postfix (issue 4, point 3).
# Both queues are filled by smtp-source with mail that cannot be delivered (Postfix: a relay that refuses
# connections; Postroom: a remote domain, for which there is no smtp transport yet), deferred once (so each
# message has a reason line), then put on hold with postsuper -h ALL so that qmgr leaves them alone.
# Prints the median of RUNS listings each, taken alternately once the machine is at rest.
# Usage (as root): bench/postqueue.sh [N] [RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-10000}
RUNS=${2:-5}
[ -x "$DIST/bin/postqueue" ] || { echo "build first: ./postroom.sh build" >&2; exit 1; }
command -v smtp-source >/dev/null || { echo "smtp-source (Debian package postfix) is needed" >&2; exit 1; }
PFX=${PFX:-/srv/pfx-qbench}; PFX_PORT=${PFX_PORT:-12555}
PR=${PR:-/srv/postroom-qbench}; PR_PORT=${PR_PORT:-12556}
trap 'postfix_stop "$PFX"; postroom_stop "$PR"' EXIT
postfix_instance "$PFX" "$PFX_PORT"
postroom_instance "$PR" "$PR_PORT"

count() { find "$1"/{incoming,active,deferred,hold,maildrop} -type f 2>/dev/null | wc -l; }
fill() { # fill NAME PORT RCPT QUEUEDIR
    smtp-source -s 10 -m "$N" -l 512 -f bench@bench.example -t "$3" "127.0.0.1:$2" >/dev/null 2>&1 || true
    local t=0; while [ "$(count "$4")" -lt "$N" ] && [ $t -lt 600 ]; do sleep 1; t=$((t + 1)); done
}
# once deferred (with a reason each: Postfix's relay refuses connections, Postroom has no smtp transport),
# the messages are put on hold, so that both listings hold the same lines and qmgr leaves them alone
deferred() { find "$1/deferred" -type f 2>/dev/null | wc -l; }
wait_deferred() { local t=0; while [ "$(deferred "$1")" -lt "$N" ] && [ $t -lt 600 ]; do sleep 1; t=$((t + 1)); done; }
fill postfix "$PFX_PORT" b@relay.test "$PFX/spool"
wait_deferred "$PFX/spool"
postsuper -c "$PFX/etc" -h ALL 2>/dev/null
fill postroom "$PR_PORT" b@remote.example.net "$PR/queue"
wait_deferred "$PR/queue"
"$DIST/bin/postsuper" -c "$PR/etc" -h ALL 2>/dev/null
echo "queued: postfix $(count "$PFX/spool"), postroom $(count "$PR/queue")"
wait_for_rest

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
# alternate the two, so that both see the same machine
for i in $(seq "$RUNS"); do echo "r $(ms "$DIST/bin/postqueue" -c "$PR/etc" -p)"; echo "f $(ms postqueue -c "$PFX/etc" -p)"; done > /tmp/postqueue-bench.$$
pr=$(awk '$1 == "r" {print $2}' /tmp/postqueue-bench.$$ | median)
pf=$(awk '$1 == "f" {print $2}' /tmp/postqueue-bench.$$ | median)
rm -f /tmp/postqueue-bench.$$
echo "postqueue -p, $N messages: postroom ${pr} ms, postfix ${pf} ms, ratio $(awk -v a="$pr" -v b="$pf" 'BEGIN {printf "%.2f", a / b}')"
echo "lines: postroom $("$DIST/bin/postqueue" -c "$PR/etc" -p | wc -l), postfix $(postqueue -c "$PFX/etc" -p | wc -l)"
echo "(median of $RUNS runs; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
