#!/usr/bin/env bash
# bench/memory.sh [N] [SESSIONS] [MAX_IDLE] (as root): the memory of a Postroom instance, as PSS (from
# /proc/PID/smaps_rollup, which shares shared pages out fairly) summed over master and every service, beside
# the same figure for Debian's Postfix doing the same work in the same run:
#   - idle after start (master, pickup, qmgr and whatever the first probe woke),
#   - peak under load (N messages of 5 KB over SESSIONS smtp-source sessions into Maildir),
#   - after the load, and once MAX_IDLE (default 10s, set in both main.cf files) has let idle services exit.
# Defaults: 2,000 messages, 20 sessions, max_idle 10s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
n=${1:-2000} sessions=${2:-20} max_idle=${3:-10s}
command -v smtp-source >/dev/null || { echo "memory.sh: needs smtp-source (Debian package postfix)" >&2; exit 1; }

pss_kb() { # pss_kb CONFIG_DIR: the summed PSS of the processes whose environment or command line name it
    local total=0 pid
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        [ -r /proc/$pid/smaps_rollup ] || continue
        if tr '\0' '\n' 2>/dev/null < /proc/$pid/environ | grep -qx "MAIL_CONFIG=$1" \
                || tr '\0' ' ' 2>/dev/null < /proc/$pid/cmdline | grep -q -- "-c $1\( \|$\)\|config_directory=$1\|$1/"; then
            total=$(( total + $(awk '/^Pss:/{print $2}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0) ))
        fi
    done
    echo $total
}
procs() { # the program names of an instance's processes
    local pid out=
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        if tr '\0' '\n' 2>/dev/null < /proc/$pid/environ | grep -qx "MAIL_CONFIG=$1" \
                || tr '\0' ' ' 2>/dev/null < /proc/$pid/cmdline | grep -q -- "-c $1\( \|$\)\|config_directory=$1\|$1/"; then
            out="$out $(tr '\0' ' ' 2>/dev/null < /proc/$pid/cmdline | awk '{print $1}' | sed 's,.*/,,')"
        fi
    done
    echo "$out" | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '
}

measure() { # measure NAME CONFIG_DIR PORT MAILDIR_NEW
    local name=$1 cfg=$2 port=$3 new=$4 idle peak=0 after quiet p
    sleep 3; wait_for_rest
    idle=$(pss_kb "$cfg")
    local idle_procs; idle_procs=$(procs "$cfg")
    ( while sleep 0.5; do pss_kb "$cfg"; done ) > /tmp/memory-pss.$$ & local sampler=$!
    smtp-source -c -l 5120 -m "$n" -s "$sessions" -f sender@example.org -t user@bench.test 127.0.0.1:"$port" >/dev/null
    for _ in $(seq 1200); do [ "$(ls "$new" 2>/dev/null | wc -l)" -ge "$n" ] && break; sleep 0.5; done
    kill $sampler; p=$(sort -n /tmp/memory-pss.$$ | tail -1); peak=${p:-0}; rm -f /tmp/memory-pss.$$
    sleep 5; after=$(pss_kb "$cfg")
    sleep "${max_idle%s}"; sleep 5; quiet=$(pss_kb "$cfg")
    echo "$name PSS MiB: idle=$((idle/1024)) peak=$((peak/1024)) after-load=$((after/1024)) after-max_idle=$((quiet/1024)) delivered=$(ls "$new" | wc -l)"
    [ -z "$idle_procs" ] || echo "$name processes at idle: $idle_procs"
    echo "$name processes after max_idle: $(procs "$cfg")"
}

pfx=/srv/pfx-memory pr=/srv/postroom-memory
postfix_stop "$pfx"; postroom_stop "$pr"
ROOT=$pfx PORT=12555 bash "$SHARED/bench/postfix-up.sh" start >/dev/null
postconf -c "$pfx/etc" -e "max_idle = $max_idle" && script -qc "postfix -c $pfx/etc reload" /dev/null >/dev/null 2>&1 || true
measure postfix "$pfx/etc" 12555 "$pfx/vmail/bench.test/user/Maildir/new"
postfix_stop "$pfx"

postroom_instance "$pr" 12556 "mydestination = bench.test
alias_maps = hash:$pr/etc/aliases
alias_database = hash:$pr/etc/aliases
max_idle = $max_idle"
mkdir -p "$pr/vmail"; chown -R nobody "$pr/vmail"
echo "user: $pr/vmail/Maildir/" > "$pr/etc/aliases"; "$DIST/bin/postalias" -c "$pr/etc" "hash:$pr/etc/aliases"
measure postroom "$pr/etc" 12556 "$pr/vmail/Maildir/new"
postroom_stop "$pr"
echo "command: bench/memory.sh $n $sessions $max_idle"
