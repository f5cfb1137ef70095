#!/usr/bin/env bash
# Start-up time of the admin tools on an empty system, Postroom beside Debian's Postfix (issue 4, point 3).
# Usage (as root): bench/startup.sh [RUNS]     prints the median wall time of RUNS runs (default 10) of
#   postconf -n, postqueue -p and sendmail (one small message into maildrop), and the ratio Postroom/Postfix.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${1:-10}
[ -x "$DIST/bin/postconf" ] || { echo "build first: ./postroom.sh build" >&2; exit 1; }
PFX=${PFX:-/srv/pfx-startup}
PR=$(mktemp -d /tmp/postroom-startup.XXXXXX)
trap 'postfix_stop "$PFX"; postroom_stop "$PR"; rm -rf "$PR"' EXIT

# two running, empty systems, measured at rest
postfix_instance "$PFX" "${PFX_PORT:-12545}"
postroom_instance "$PR" "${PR_PORT:-12546}"
wait_for_rest

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 </tmp/postroom-startup.msg || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
printf 'Subject: startup\n\nbody\n' > /tmp/postroom-startup.msg
run() { local i; for i in $(seq "$RUNS"); do ms "$@"; done | median; }

printf '%-14s %12s %12s %8s\n' command postroom_ms postfix_ms ratio
row() {
    local name=$1 a b; a=$2; b=$3
    printf '%-14s %12s %12s %8s\n' "$name" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}')"
}
row "postconf -n" "$(run "$DIST/bin/postconf" -c "$PR/etc" -n)" "$(run postconf -c "$PFX/etc" -n)"
row "postqueue -p" "$(run "$DIST/bin/postqueue" -c "$PR/etc" -p)" "$(run postqueue -c "$PFX/etc" -p)"
row "sendmail" "$(run "$DIST/bin/sendmail" -C "$PR/etc" -f a@bench.example root@bench.example)" \
    "$(run sendmail -C "$PFX/etc/main.cf" -f a@bench.example nobody@bench.test)"
echo "(median of $RUNS runs each; wall clock including JVM start for Postroom; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
