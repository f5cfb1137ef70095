#!/usr/bin/env bash
# Relay throughput (issue 8): Postroom beside Debian's Postfix, same machine, same run, both relaying to one
# smtp-sink on 127.0.0.1:12600.
#   bench/relay.sh [N] [SESSIONS] [SIZE] [ROUNDS]     defaults: 5000 20 5120 3     (as root)
# Each round: smtp-source sends N messages (SESSIONS parallel, SIZE bytes, to user@relay.test), first to
# Postfix (shared/bench/postfix-up.sh: relay_domains = relay.test, relay_transport = smtp:[127.0.0.1]:12600),
# then to Postroom (the same three lines in its main.cf). "End-to-end" is from the first SMTP connection of
# smtp-source until smtp-sink has received the N-th message (its -c counter: "." received). Each round then
# checks that the queue drained (incoming, active, deferred empty), that the sink got exactly N messages (more
# would be duplicates, fewer losses) and that the MTA logged N status=sent. Prints every round, the medians,
# the ratio Postroom/Postfix of the end-to-end rate, and the command line.
set -euo pipefail
. "$(dirname "$0")/lib.sh" # here, SHARED, DIST, postfix_instance, postroom_instance, median, wait_for_rest
n=${1:-5000}; s=${2:-20}; size=${3:-5120}; rounds=${4:-3}
cmdline="DIST=$DIST bash bench/relay.sh $n $s $size $rounds"
[ "$(id -u)" = 0 ] || { echo "bench/relay.sh: run as root (Postfix's reference instance needs it)" >&2; exit 1; }
[ -x "$DIST/bin/postfix" ] || { echo "bench/relay.sh: no Postroom distribution at $DIST (build first, or set DIST)" >&2; exit 1; }
command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null \
    || { echo "bench/relay.sh: smtp-source and smtp-sink (Debian package postfix) are needed" >&2; exit 1; }

PFX=${PFX:-/srv/pfx-relay}; PFX_PORT=${PFX_PORT:-12535}
PR=${PR:-/srv/postroom-relay}; PR_PORT=${PR_PORT:-12536}
SINK=127.0.0.1:12600 # fixed: shared/bench/postfix-up.sh relays relay.test there
STALL=${STALL:-60}; DEADLINE=${DEADLINE:-600} # give up when the sink count stands still STALL s, or after DEADLINE s
for p in 12600 "$PFX_PORT" "$PR_PORT"; do
    if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "bench/relay.sh: 127.0.0.1:$p is already in use" >&2; exit 1; fi
done

work=$(mktemp -d /tmp/relay-bench.XXXXXX); chmod 755 "$work"
sink_pid=
cleanup() {
    postfix_stop "$PFX"; postroom_stop "$PR"
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

# smtp-sink -c writes "sess=S quit=Q mesg=M\r" (one write each) whenever a session ends, QUIT is seen or "."
# is received; the last complete record holds the running totals. -m bounds the simultaneous connections.
smtp-sink -u nobody -c -m 512 "$SINK" 1024 > "$work/sink.out" 2> "$work/sink.err" & sink_pid=$!
sink_record() { # the last complete counter record, or nothing
    local r; r=$(tail -c 256 "$work/sink.out" 2>/dev/null || true)
    case $r in *$'\r'*) r=${r%$'\r'*}; echo "${r##*$'\r'}" ;; esac
}
sink_msgs() { local r; r=$(sink_record); r=${r##*mesg=}; echo "${r:-0}"; }
sink_sess() { local r; r=$(sink_record); r=${r#sess=}; r=${r%% *}; echo "${r:-0}"; }
for _ in $(seq 100); do (exec 3<>/dev/tcp/${SINK%:*}/${SINK#*:}) 2>/dev/null && break; sleep 0.05; done
kill -0 "$sink_pid" 2>/dev/null || { echo "smtp-sink did not start: $(cat "$work/sink.err")" >&2; exit 1; }

postfix_instance "$PFX" "$PFX_PORT"
# the same relay set-up as shared/bench/postfix-up.sh; concurrency, retry and fsyncs at their defaults
postroom_instance "$PR" "$PR_PORT" "mydestination =
relay_domains = relay.test
relay_transport = smtp:[127.0.0.1]:12600
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination"

queued() { find "$1"/incoming "$1"/active "$1"/deferred -type f 2>/dev/null | wc -l; }
sent() { local c; c=$(grep -c 'status=sent' "$1" 2>/dev/null) || true; echo "${c:-0}"; }
now() { date +%s.%N; }

# relay NAME PORT QUEUE_DIR MAILLOG: one measured run; prints its figures, returns 1 when it did not deliver N
relay() {
    local name=$1 port=$2 q=$3 log=$4 m0 sess0 sent0 t0 t1 t2 rc=0 got last grew ok=1 left sentn
    m0=$(sink_msgs); sess0=$(sink_sess); sent0=$(sent "$log")
    t0=$(now)
    smtp-source -s "$s" -m "$n" -l "$size" -f sender@example.org -t user@relay.test "127.0.0.1:$port" \
        > "$work/source.out" 2>&1 || rc=$?
    t1=$(now)
    local deadline=$(( ${t0%.*} + DEADLINE )); last=0; grew=$(date +%s)
    while got=$(( $(sink_msgs) - m0 )); [ "$got" -lt "$n" ]; do
        [ "$got" -gt "$last" ] && { last=$got; grew=$(date +%s); }
        if [ "$(date +%s)" -ge "$deadline" ] || [ $(( $(date +%s) - grew )) -ge "$STALL" ]; then ok=0; break; fi
        sleep 0.05
    done
    t2=$(now)
    # the queue file goes once the delivery agent has reported, just after the sink's "."
    for _ in $(seq 200); do left=$(queued "$q"); [ "$left" = 0 ] && break; [ $ok = 0 ] && break; sleep 0.05; done
    # Postfix's postlogd writes the log a little behind
    for _ in $(seq 100); do sentn=$(( $(sent "$log") - sent0 )); [ "$sentn" -ge "$n" ] && break; [ $ok = 0 ] && break; sleep 0.05; done
    got=$(( $(sink_msgs) - m0 ))
    local check="sink=$got"
    [ "$got" -gt "$n" ] && check+=" DUPLICATES=$(( got - n ))"
    [ "$got" -lt "$n" ] && check+=" LOST=$(( n - got ))"
    check+=" sent_logged=$sentn queue_left=$left sink_sessions_closed=$(( $(sink_sess) - sess0 ))"
    [ "$rc" = 0 ] || check+=" smtp-source_exit=$rc ($(tail -1 "$work/source.out"))"
    awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v ok="$ok" -v c="$check" 'BEGIN {
        printf "messages=%d accept_s=%.2f accept_rate=%.0f/s ", n, t1 - t0, n / (t1 - t0)
        if (ok) printf "end_to_end_s=%.2f e2e_rate=%.0f/s %s\n", t2 - t0, n / (t2 - t0), c
        else printf "end_to_end_s=TIMEOUT(%.0fs) %s\n", t2 - t0, c }'
    [ $ok = 1 ] && [ "$got" = "$n" ] && [ "$left" = 0 ]
}

echo "relay: $n messages x $size bytes, $s sessions, $rounds rounds; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
pf=(); pr=(); pfa=(); pra=(); bad=0
for r in $(seq "$rounds"); do
    wait_for_rest
    out=$(relay postfix "$PFX_PORT" "$PFX/spool" "$PFX/maillog") || bad=1
    echo "round $r postfix : $out"
    pf+=("$(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")"); pfa+=("$(sed -n 's/.*accept_rate=\([0-9]*\).*/\1/p' <<<"$out")")
    wait_for_rest
    out=$(relay postroom "$PR_PORT" "$PR/queue" "$PR/log/maillog") || bad=1
    echo "round $r postroom: $out"
    pr+=("$(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")"); pra+=("$(sed -n 's/.*accept_rate=\([0-9]*\).*/\1/p' <<<"$out")")
done
med() { { printf '%s\n' "$@" | grep . || true; } | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
mp=$(med "${pf[@]}"); mr=$(med "${pr[@]}")
echo "median accept rate: postfix=$(med "${pfa[@]}")/s postroom=$(med "${pra[@]}")/s"
echo "median end-to-end rate: postfix=${mp}/s postroom=${mr}/s ratio(postroom/postfix)=$(ratio "$mr" "$mp")"
[ $bad = 0 ] || echo "WARNING: a round did not deliver exactly $n messages or left mail in the queue (see above; medians use the rounds that finished)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $cmdline"
[ $bad = 0 ]
