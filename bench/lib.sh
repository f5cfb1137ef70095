# Sourced by bench/startup.sh and bench/postqueue.sh: where things are, a Postroom instance and a private
# Postfix one side by side, medians, and waiting for a machine at rest before measuring.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$here/../shared}
DIST=${DIST:-$here/dist/target/postroom} # set DIST to measure another built distribution

# postfix_instance ROOT PORT: Debian's Postfix, private, running (shared/bench/postfix-up.sh)
postfix_instance() { ROOT=$1 PORT=$2 bash "$SHARED/bench/postfix-up.sh" start >/dev/null; }
postfix_stop() { script -qc "postfix -c $1/etc stop" /dev/null >/dev/null 2>&1 || true; }

# postroom_instance DIR PORT [MAIN_CF_LINES]: a fresh Postroom instance in DIR with SMTP on 127.0.0.1:PORT,
# started; MAIN_CF_LINES (optional) are appended to its main.cf. Returns once its SMTP port and showq answer
# (at most 30 s)
postroom_instance() {
    local dir=$1 port=$2 extra=${3:-}
    id postroom >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postroom
    "$DIST/bin/postfix" -c "$dir/etc" stop >/dev/null 2>&1 || true
    rm -rf "$dir"; mkdir -p "$dir"/{etc,queue,data,log}; chmod 755 "$dir"; chown postroom "$dir/log"
    cat > "$dir/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
daemon_directory = $DIST/libexec
command_directory = $DIST/bin
mail_owner = postroom
myhostname = bench.example
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
maillog_file = $dir/log/maillog
CF
    [ -z "$extra" ] || printf '%s\n' "$extra" >> "$dir/etc/main.cf"
    sed "s/^smtp      inet/127.0.0.1:$port inet/" "$DIST/etc/master.cf" > "$dir/etc/master.cf"
    "$DIST/bin/postfix" -c "$dir/etc" start 2>/dev/null
    for _ in $(seq 300); do
        [ -S "$dir/queue/public/showq" ] && (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
        sleep 0.1
    done
}
postroom_stop() { "$DIST/bin/postfix" -c "$1/etc" stop >/dev/null 2>&1 || true; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# wait_for_rest: at most 60 s, until the machine is over 90% idle for half a second (the JVMs of a
# Postroom instance compile and settle for a few seconds after start; a queue just filled is still
# being written)
wait_for_rest() {
    local i1 t1 i2 t2
    idle_ticks() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
    for _ in $(seq 120); do
        read -r i1 t1 < <(idle_ticks); sleep 0.5; read -r i2 t2 < <(idle_ticks)
        [ $(( (i2 - i1) * 100 )) -ge $(( (t2 - t1) * 90 )) ] && return 0
    done
}
