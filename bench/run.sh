#!/usr/bin/env bash
# End-to-end throughput and memory: Postroom beside Debian's Postfix, same machine, same run.
#   bench/run.sh [N] [SESSIONS] [SIZE] [ROUNDS]     defaults: 5000 20 5120 3
# Each round: smtp-source delivers N messages (SESSIONS parallel, SIZE bytes) into Maildir, first to
# Postfix (shared/bench/postfix-up.sh: virtual(8) into Maildir), then to Postroom (local(8), alias to a
# Maildir). Prints every round, then the medians and the ratio, and Postroom's total service RSS at
# idle and the peak under load.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh" # SHARED, median
shared=$SHARED
n=${1:-5000}; s=${2:-20}; size=${3:-5120}; rounds=${4:-3}
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: run as root (Postfix's reference instance needs it)" >&2; exit 1; }
command -v smtp-source >/dev/null || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d;
    apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null; }
id postroom >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postroom
dist=$here/dist/target/postroom
[ -x "$dist/bin/postfix" ] || (cd "$here" && ./postroom.sh build >/dev/null 2>&1 || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -q -B -DskipTests package)

root=${PR_ROOT:-/srv/postroom-bench}; port=12526
start_postroom() {
    "$dist/bin/postfix" -c "$root/etc" stop >/dev/null 2>&1 || true
    rm -rf "$root"; mkdir -p "$root"/{etc,queue,data,log,vmail/bench.test/user}
    chmod 755 "$root"; chown -R nobody "$root/vmail"; chown postroom "$root/log"
    cat > "$root/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $root/queue
data_directory = $root/data
daemon_directory = $dist/libexec
mail_owner = postroom
myhostname = bench-pr.test
mydestination = bench.test
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
alias_maps = hash:$root/etc/aliases
maillog_file = $root/log/maillog
CF
    echo "user: $root/vmail/bench.test/user/Maildir/" > "$root/etc/aliases"
    "$dist/bin/postalias" -c "$root/etc" "hash:$root/etc/aliases" # hash: is the indexed file, as in Postfix
    sed "s/^smtp      inet/127.0.0.1:$port inet/" "$dist/etc/master.cf" > "$root/etc/master.cf"
    "$dist/bin/postfix" -c "$root/etc" start 2>/dev/null
    for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    sleep 2 # let every service finish its start-up before measuring
}
rss_kb() { # total RSS of the master and every service of this instance
    local total=0 pid
    for pid in $(pgrep -f "postroom/.*" || true); do
        if tr '\0' '\n' < /proc/$pid/environ 2>/dev/null | grep -q "MAIL_CONFIG=$root/etc" || tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null | grep -q "$root/etc"; then
            total=$(( total + $(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0) ))
        fi
    done
    echo $total
}

pf=(); pr=(); peak=0; idle=0; sampler=
cleanup() { [ -n "$sampler" ] && kill "$sampler" 2>/dev/null; rm -f /tmp/postroom-rss.$$; }
trap cleanup EXIT
ROOT=/srv/pfx-bench PORT=12525 bash "$shared/bench/postfix-up.sh" start
start_postroom
idle=$(rss_kb)
for r in $(seq "$rounds"); do
    out=$(bash "$shared/bench/smtp-load.sh" 127.0.0.1:12525 /srv/pfx-bench/vmail "$n" "$s" "$size")
    echo "round $r postfix : $out"; pf+=("$(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")")
    ( while sleep 0.5; do rss_kb; done ) > /tmp/postroom-rss.$$ & sampler=$!
    out=$(bash "$shared/bench/smtp-load.sh" 127.0.0.1:$port "$root/vmail" "$n" "$s" "$size")
    kill $sampler; sampler=; p=$(sort -n /tmp/postroom-rss.$$ | tail -1); [ "${p:-0}" -gt "$peak" ] && peak=$p
    echo "round $r postroom: $out"; pr+=("$(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")")
done
rm -f /tmp/postroom-rss.$$
idle_after=$(rss_kb)
ROOT=/srv/pfx-bench bash "$shared/bench/postfix-up.sh" stop
"$dist/bin/postfix" -c "$root/etc" stop 2>/dev/null || true
mp=$(printf '%s\n' "${pf[@]}" | median); mr=$(printf '%s\n' "${pr[@]}" | median)
echo "median end-to-end rate: postfix=${mp}/s postroom=${mr}/s ratio(postroom/postfix)=$(awk -v a="$mr" -v b="$mp" 'BEGIN{printf "%.2f", a/b}')"
echo "postroom service RSS: idle-before=$((idle/1024)) MiB, peak-under-load=$((peak/1024)) MiB, idle-after=$((idle_after/1024)) MiB"
