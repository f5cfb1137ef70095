#!/usr/bin/env bash
# Start-up time of the admin tools on an empty system, Postroom beside Debian's Postfix (issue 4, point 3).
# Usage (as root): bench/startup.sh [RUNS]     prints the median wall time of RUNS runs (default 10) of
#   postconf -n, postqueue -p and sendmail (one small message into maildrop), and the ratio Postroom/Postfix.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-10}
DIST=$here/dist/target/postroom
[ -x "$DIST/bin/postconf" ] || { echo "build first: mvn -o -q -B install -DskipTests -pl showq,tools,dist" >&2; exit 1; }
PFX=${PFX:-/srv/pfx-startup}
PR=$(mktemp -d /tmp/postroom-startup.XXXXXX)
trap 'script -qc "postfix -c $PFX/etc stop" /dev/null >/dev/null 2>&1 || true; "$DIST/bin/postfix" -c "$PR/etc" stop >/dev/null 2>&1 || true; rm -rf "$PR"' EXIT

# Postfix: a private, running, empty instance (shared/bench/postfix-up.sh)
ROOT=$PFX PORT=${PFX_PORT:-12545} bash /work/shared/bench/postfix-up.sh start >/dev/null
# Postroom: a running, empty instance
id postroom >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postroom
mkdir -p "$PR"/{etc,queue,data,log}; chmod 755 "$PR"; chown postroom "$PR/log"
cat > "$PR/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PR/queue
data_directory = $PR/data
daemon_directory = $DIST/libexec
command_directory = $DIST/bin
mail_owner = postroom
myhostname = bench.example
inet_interfaces = 127.0.0.1
maillog_file = $PR/log/maillog
CF
sed "s/^smtp      inet/127.0.0.1:${PR_PORT:-12546} inet/" "$DIST/etc/master.cf" > "$PR/etc/master.cf"
"$DIST/bin/postfix" -c "$PR/etc" start 2>/dev/null
for _ in $(seq 100); do [ -S "$PR/queue/public/showq" ] && break; sleep 0.1; done
# "an empty system" is one at rest: wait (at most 30 s) until Postroom's JVMs, which compile and settle
# for a few seconds after start, use less than 5% of a core over half a second
jvm_ticks() { local t=0 p; for p in $(pgrep -f "postroom/" ); do t=$(( t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0) )); done; echo $t; }
for _ in $(seq 60); do a=$(jvm_ticks); sleep 0.5; b=$(jvm_ticks); [ $(( b - a )) -le 2 ] && break; done

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 </tmp/postroom-startup.msg || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
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
