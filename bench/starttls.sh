#!/usr/bin/env bash
# SMTP over STARTTLS (issue 9, item 5): Postroom beside Debian's Postfix, same machine, same run.
#   bench/starttls.sh [N] [SESSIONS] [SIZE] [ROUNDS] [MODES]   defaults: 5000 20 5120 3 "one many"   (as root)
# smtp-source has no TLS, so the load comes from bench/starttls-load.py (Python's ssl, i.e. OpenSSL):
# SESSIONS parallel sessions, each connect, EHLO, STARTTLS, full TLS handshake, EHLO, then MAIL/RCPT/DATA
# (SIZE bytes) and QUIT. Modes: "one" = one message per connection and TLS session, as smtp-source does by
# default; "many" = smtp-source -d, every session sends message after message over one TLS session. Both MTAs
# get the same certificate (EC P-256, or RSA 2048 with KEY=rsa; made with openssl for this run),
# smtpd_tls_security_level = may, smtpd_tls_protocols = >=TLSv1.2, smtpd_tls_loglevel = 1, and deliver as in
# bench/run.sh: Postfix with virtual(8) into a Maildir (shared/bench/postfix-up.sh), Postroom with local(8)
# through an alias to a Maildir; fsyncs at their defaults (every queue file, every Maildir file). "Accept" is
# the load client's run (first connection to last QUIT); "end-to-end" runs from the first connection until
# the N-th file sits in the Maildir's new/. Each measurement then checks: no client error (any reply other
# than the expected 2xx/354, any I/O or TLS failure), exactly N files delivered, the queue drained, N
# status=sent and one "TLS connection established" log line per TLS session. Prints every round, the medians
# and ratios Postroom/Postfix per mode, Postroom's service RSS (idle before, peak under load, idle after) and
# the command line; exits non-zero when a check failed.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" # here, SHARED, DIST, postfix_instance, postroom_instance, median, wait_for_rest
n=${1:-5000}; s=${2:-20}; size=${3:-5120}; rounds=${4:-3}; modes=${5:-one many}
PYTHON=${PYTHON:-python3}
KEY=${KEY:-ec}        # ec: EC P-256 certificate, rsa: RSA 2048
STALL=${STALL:-60}; DEADLINE=${DEADLINE:-600} # give up when the Maildir count stands still STALL s, or after DEADLINE s
# POSTROOM_JAVA_OPTS (extra JVM options of every Postroom service, libexec/postroom-env) is honoured and shown
cmdline="DIST=$DIST KEY=$KEY"; [ -z "${POSTROOM_JAVA_OPTS:-}" ] || cmdline+=" POSTROOM_JAVA_OPTS=\"$POSTROOM_JAVA_OPTS\""
cmdline+=" bash bench/starttls.sh $n $s $size $rounds '$modes'"
die() { echo "bench/starttls.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (Postfix's reference instance needs it)"
[ -x "$DIST/bin/postfix" ] || die "no Postroom distribution at $DIST (build first, or set DIST)"
"$PYTHON" -c 'import ssl' 2>/dev/null || die "python3 with its ssl module is needed (set PYTHON)"
{ command -v postfix && command -v openssl; } >/dev/null || die "postfix (Debian package) and openssl are needed"
case $KEY in ec|rsa) ;; *) die "KEY must be ec or rsa" ;; esac
for m in $modes; do case $m in one|many) ;; *) die "modes are one and many, not $m" ;; esac; done

PFX=${PFX:-/srv/pfx-starttls}; PFX_PORT=${PFX_PORT:-12545}
PR=${PR:-/srv/postroom-starttls}; PR_PORT=${PR_PORT:-12546}
for p in "$PFX_PORT" "$PR_PORT"; do
    if (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then die "127.0.0.1:$p is already in use"; fi
done

work=$(mktemp -d /tmp/starttls-bench.XXXXXX); chmod 755 "$work"
sampler=
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
    postfix_stop "$PFX"; postroom_stop "$PR"; rm -rf "$work"
}
trap cleanup EXIT

load() { "$PYTHON" "$here/bench/starttls-load.py" "$@"; }

# one certificate and key for both servers, made for this run
if [ "$KEY" = ec ]; then keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else keyopt=(-newkey rsa:2048); fi
openssl req -x509 "${keyopt[@]}" -nodes -days 2 -subj /CN=bench.test -addext subjectAltName=DNS:bench.test \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chmod 644 "$work/cert.pem" "$work/key.pem" # a throw-away key in a private run directory; both smtpds must read it
tls_cf="smtpd_tls_cert_file = $work/cert.pem
smtpd_tls_key_file = $work/key.pem
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1"

# Postfix: shared/bench/postfix-up.sh (virtual(8) into $PFX/vmail/bench.test/user/Maildir/), plus the TLS lines
postfix_instance "$PFX" "$PFX_PORT"
postfix_stop "$PFX"
while IFS= read -r l; do postconf -c "$PFX/etc" -e "$l"; done <<<"$tls_cf"
script -qc "postfix -c $PFX/etc start" /dev/null >/dev/null
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$PFX_PORT") 2>/dev/null && break; sleep 0.2; done
# Postroom: local(8) through the alias user: .../Maildir/ as in bench/run.sh, plus the same TLS lines
echo "user: $PR/vmail/bench.test/user/Maildir/" > "$work/aliases"
postroom_instance "$PR" "$PR_PORT" "mydestination = bench.test
alias_maps = hash:$work/aliases
$tls_cf"
"$DIST/bin/postalias" -c "$PR/etc" "$work/aliases" # hash: is the indexed file, as in Postfix
mkdir -p "$PR/vmail/bench.test/user"; chown -R nobody "$PR/vmail"
pfx_md=$PFX/vmail/bench.test/user/Maildir; pr_md=$PR/vmail/bench.test/user/Maildir

rss_kb() { # total RSS of Postroom's master and every service of this instance (as bench/run.sh)
    local total=0 pid
    for pid in $(pgrep -f "postroom/.*" || true); do
        if { tr '\0' '\n' < "/proc/$pid/environ" | grep -q "MAIL_CONFIG=$PR/etc"; } 2>/dev/null \
            || { tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "$PR/etc"; } 2>/dev/null; then
            total=$(( total + $(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) ))
        fi
    done
    echo "$total"
}
delivered() { find "$1/new" -maxdepth 1 -type f 2>/dev/null | wc -l; }
queued() { find "$1"/incoming "$1"/active "$1"/deferred -type f 2>/dev/null | wc -l; }
logged() { local c; c=$(grep -c -- "$2" "$1" 2>/dev/null) || true; echo "${c:-0}"; }
now() { date +%s.%N; }
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2" | head -1; }

# measure MODE PORT MAILDIR QUEUE_DIR MAILLOG: one measured run; prints its figures, returns 1 when a check failed
measure() {
    local mode=$1 port=$2 md=$3 q=$4 log=$5 d0 sent0 tls0 rc=0 t0 t1 t2 got last grew ok=1 left sentn tlsn out flag=()
    [ "$mode" = many ] && flag=(-d)
    d0=$(delivered "$md"); sent0=$(logged "$log" status=sent); tls0=$(logged "$log" "TLS connection established from")
    load -w "$s" -s "$s" -m "$n" -l "$size" "${flag[@]}" -f sender@example.org -t user@bench.test "127.0.0.1:$port" \
        > "$work/load.out" 2>&1 || rc=$?
    out=$(head -1 "$work/load.out"); t0=$(val t0 "$out"); t1=$(val t1 "$out")
    if [ -z "$t0" ]; then echo "load client failed (exit $rc): $(head -5 "$work/load.out" | tr '\n' ' ')"; return 1; fi
    # wait for what the MTA accepted (N, unless the client saw errors)
    local acc deadline=$(( ${t0%.*} + DEADLINE )); acc=$(val accepted "$out"); last=0; grew=$(date +%s)
    while got=$(( $(delivered "$md") - d0 )); [ "$got" -lt "$acc" ]; do
        [ "$got" -gt "$last" ] && { last=$got; grew=$(date +%s); }
        if [ "$(date +%s)" -ge "$deadline" ] || [ $(( $(date +%s) - grew )) -ge "$STALL" ]; then ok=0; break; fi
        sleep 0.05
    done
    t2=$(now)
    # the queue file goes once the delivery agent has reported, just after the Maildir file
    for _ in $(seq 200); do left=$(queued "$q"); [ "$left" = 0 ] && break; [ $ok = 0 ] && break; sleep 0.05; done
    # Postfix's postlogd writes the log a little behind
    for _ in $(seq 100); do sentn=$(( $(logged "$log" status=sent) - sent0 )); [ "$sentn" -ge "$acc" ] && break; [ $ok = 0 ] && break; sleep 0.05; done
    tlsn=$(( $(logged "$log" "TLS connection established from") - tls0 ))
    got=$(( $(delivered "$md") - d0 ))
    local sess errs want_tls check
    sess=$(val tls_sessions "$out"); errs=$(val errors "$out"); want_tls=$(( s + ${sess:-0} ))
    check="errors=$errs accepted=$acc tls_sessions=$sess tls=$(val tls "$out") client_cpu_s=$(val client_cpu_s "$out")"
    check+=" delivered=$got"
    [ "$got" -gt "$acc" ] && check+=" DUPLICATES=$(( got - acc ))"
    [ "$got" -lt "$acc" ] && check+=" LOST=$(( acc - got ))"
    check+=" sent_logged=$sentn tls_logged=$tlsn queue_left=$left"
    [ "$tlsn" = "$want_tls" ] || check+=" TLS_LOG_MISMATCH(want=$want_tls)"
    [ "$rc" = 0 ] || check+=" CLIENT_FAILED(exit=$rc: $(grep '^error:' "$work/load.out" | head -5 | tr '\n' ';'))"
    awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v ok="$ok" -v c="$check" 'BEGIN {
        printf "messages=%d accept_s=%.2f accept_rate=%.0f/s ", n, t1 - t0, n / (t1 - t0)
        if (ok) printf "end_to_end_s=%.2f e2e_rate=%.0f/s %s\n", t2 - t0, n / (t2 - t0), c
        else printf "end_to_end_s=TIMEOUT(%.0fs) %s\n", t2 - t0, c }'
    [ $ok = 1 ] && [ "$rc" = 0 ] && [ "$got" = "$n" ] && [ "$left" = 0 ] && [ "$sentn" = "$n" ] && [ "$tlsn" = "$want_tls" ]
}
# the Maildir is emptied after each measurement, so that every round counts and writes into the same small folder
empty_maildir() { find "$1/new" -maxdepth 1 -type f -delete 2>/dev/null || true; }

echo "starttls: $n messages x $size bytes, $s sessions, $rounds rounds, modes: $modes; key $KEY;" \
    "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A pf pr pfa pra
bad=0; peak=0
wait_for_rest
idle=$(rss_kb)
for r in $(seq "$rounds"); do
    for m in $modes; do
        wait_for_rest
        out=$(measure "$m" "$PFX_PORT" "$pfx_md" "$PFX/spool" "$PFX/maillog") || bad=1
        echo "round $r $m postfix : $out"; empty_maildir "$pfx_md"
        pf[$m]+=" $(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")"; pfa[$m]+=" $(sed -n 's/.*accept_rate=\([0-9]*\).*/\1/p' <<<"$out")"
        wait_for_rest
        ( while sleep 2; do rss_kb; done ) > "$work/rss" & sampler=$!
        out=$(measure "$m" "$PR_PORT" "$pr_md" "$PR/queue" "$PR/log/maillog") || bad=1
        kill "$sampler"; sampler=; p=$(sort -n "$work/rss" | tail -1); [ "${p:-0}" -gt "$peak" ] && peak=$p
        echo "round $r $m postroom: $out"; empty_maildir "$pr_md"
        pr[$m]+=" $(sed -n 's/.*e2e_rate=\([0-9]*\).*/\1/p' <<<"$out")"; pra[$m]+=" $(sed -n 's/.*accept_rate=\([0-9]*\).*/\1/p' <<<"$out")"
    done
done
idle_after=$(rss_kb)
med() { local v; read -ra v <<<"$1"; { printf '%s\n' "${v[@]}" | grep . || true; } | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
for m in $modes; do
    a=$(med "${pfa[$m]}"); b=$(med "${pra[$m]}"); echo "median accept rate ($m): postfix=${a}/s postroom=${b}/s ratio(postroom/postfix)=$(ratio "$b" "$a")"
    a=$(med "${pf[$m]}"); b=$(med "${pr[$m]}"); echo "median end-to-end rate ($m): postfix=${a}/s postroom=${b}/s ratio(postroom/postfix)=$(ratio "$b" "$a")"
done
echo "postroom service RSS: idle-before=$((idle/1024)) MiB, peak-under-load=$((peak/1024)) MiB, idle-after=$((idle_after/1024)) MiB"
[ $bad = 0 ] || echo "WARNING: a check failed (see above; the medians use the rounds that finished)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $cmdline"
[ $bad = 0 ]
