#!/usr/bin/env bash
# postqueue -p on a queue of N messages (default 10,000), Postroom beside Debian's Postfix (issue 4, point 3).
# Both queues are filled by smtp-source with mail that cannot be delivered (Postfix: a relay that refuses
# connections; Postroom: a remote domain, for which there is no smtp transport yet), deferred once (so each
# message has a reason line), then put on hold with postsuper -h ALL so that qmgr leaves them alone.
# Prints the median of RUNS listings each, taken alternately once the machine is at rest.
# Usage (as root): bench/postqueue.sh [N] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000}
RUNS=${2:-5}
DIST=$here/dist/target/postroom
[ -x "$DIST/bin/postqueue" ] || { echo "build first: mvn -o -q -B install -DskipTests -pl showq,tools,dist" >&2; exit 1; }
command -v smtp-source >/dev/null || { echo "smtp-source (Debian package postfix) is needed" >&2; exit 1; }
PFX=${PFX:-/srv/pfx-qbench}; PFX_PORT=${PFX_PORT:-12555}
PR=${PR:-/srv/postroom-qbench}; PR_PORT=${PR_PORT:-12556}
cleanup() { script -qc "postfix -c $PFX/etc stop" /dev/null >/dev/null 2>&1 || true; "$DIST/bin/postfix" -c "$PR/etc" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

ROOT=$PFX PORT=$PFX_PORT bash /work/shared/bench/postfix-up.sh start >/dev/null
id postroom >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postroom
"$DIST/bin/postfix" -c "$PR/etc" stop >/dev/null 2>&1 || true
rm -rf "$PR"; mkdir -p "$PR"/{etc,queue,data,log}; chmod 755 "$PR"; chown postroom "$PR/log"
cat > "$PR/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PR/queue
data_directory = $PR/data
daemon_directory = $DIST/libexec
command_directory = $DIST/bin
mail_owner = postroom
myhostname = bench.example
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
maillog_file = $PR/log/maillog
CF
sed "s/^smtp      inet/127.0.0.1:$PR_PORT inet/" "$DIST/etc/master.cf" > "$PR/etc/master.cf"
"$DIST/bin/postfix" -c "$PR/etc" start 2>/dev/null
for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$PR_PORT) 2>/dev/null && break; sleep 0.1; done

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
# measure a machine at rest: wait (at most 60 s) until both cores are over 90% idle for half a second
idle() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
for _ in $(seq 120); do read -r i1 t1 < <(idle); sleep 0.5; read -r i2 t2 < <(idle); [ $(( (i2 - i1) * 100 )) -ge $(( (t2 - t1) * 90 )) ] && break; done

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# alternate the two, so that both see the same machine
for i in $(seq "$RUNS"); do echo "r $(ms "$DIST/bin/postqueue" -c "$PR/etc" -p)"; echo "f $(ms postqueue -c "$PFX/etc" -p)"; done > /tmp/postqueue-bench.$$
pr=$(awk '$1 == "r" {print $2}' /tmp/postqueue-bench.$$ | median)
pf=$(awk '$1 == "f" {print $2}' /tmp/postqueue-bench.$$ | median)
rm -f /tmp/postqueue-bench.$$
echo "postqueue -p, $N messages: postroom ${pr} ms, postfix ${pf} ms, ratio $(awk -v a="$pr" -v b="$pf" 'BEGIN {printf "%.2f", a / b}')"
echo "lines: postroom $("$DIST/bin/postqueue" -c "$PR/etc" -p | wc -l), postfix $(postqueue -c "$PFX/etc" -p | wc -l)"
echo "(median of $RUNS runs; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
