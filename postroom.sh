#!/usr/bin/env bash
# Postroom quick start and test entry point.
#   ./postroom.sh start   build (if needed) and start an embedded instance in ./instance
#   ./postroom.sh stop    stop it
#   ./postroom.sh build   build the distribution into dist/target/postroom
#   ./postroom.sh test    build and run the whole test suite (what .ci/run runs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

find_jdk() {
    local c v
    for c in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/jdk-25*; do
        [ -x "$c/bin/javac" ] || continue
        v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
    done
    return 1
}
JAVA_HOME=$(find_jdk) || { echo "postroom.sh: no JDK 25 found under /usr/lib/jvm (or JAVA_HOME); install Temurin 25" >&2; exit 1; }
export JAVA_HOME
command -v mvn >/dev/null || { echo "postroom.sh: Maven (mvn) is not installed" >&2; exit 1; }

dist="$here/dist/target/postroom"
inst=${POSTROOM_INSTANCE:-$here/instance} # the e2e test puts its own elsewhere

build() {
    [ -n "${POSTROOM_NO_BUILD:-}" ] && return 0 # the e2e test runs the distribution it was built with
    if [ ! -x "$dist/bin/postfix" ] || [ -n "$(find . -path ./instance -prune -o -newer "$dist/bin/postfix" -name '*.java' -print -quit 2>/dev/null)" ]; then
        mvn -q -B -DskipTests package
    fi
}

ensure_owner() { # a non-root mail_owner is needed when we run as root
    if [ "$(id -u)" = 0 ]; then
        id postroom >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postroom
        echo postroom
    else
        id -un
    fi
}

write_instance() {
    local owner=$1
    mkdir -p "$inst"/{etc,queue,mail,log,data}
    chmod 755 "$inst" "$inst/log" "$inst/mail"
    [ "$(id -u)" = 0 ] && chown "$owner" "$inst/log"
    cat > "$inst/etc/main.cf" <<CF
# Embedded Postroom instance written by postroom.sh
compatibility_level = 3.6
queue_directory = $inst/queue
data_directory = $inst/data
daemon_directory = $dist/libexec
command_directory = $dist/bin
mail_owner = $owner
myhostname = localhost.localdomain
mydestination = \$myhostname, localhost.\$mydomain, localhost
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
mail_spool_directory = $inst/mail/
alias_maps = hash:$inst/etc/aliases
alias_database = hash:$inst/etc/aliases
maillog_file = $inst/log/maillog
CF
    # smtp on 2525; submission (STARTTLS, then AUTH) on 2587 and submissions (TLS at connect) on 2465,
    # with the -o overrides of Postfix's master.cf entries
    {
        sed "s/^smtp      inet/127.0.0.1:2525 inet/" "$dist/etc/master.cf"
        local port name extra
        for port in 2587 2465; do
            if [ $port = 2587 ]; then name=submission; extra="  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes"
            else name=submissions; extra="  -o smtpd_tls_wrappermode=yes"; fi
            cat <<MC
127.0.0.1:$port inet n - n - - smtpd
  -o syslog_name=postfix/$name
  -o smtpd_forbid_unauth_pipelining=no
$extra
  -o smtpd_sasl_auth_enable=yes
  -o local_header_rewrite_clients=static:all
  -o smtpd_reject_unlisted_recipient=no
  -o smtpd_client_restrictions=
  -o smtpd_helo_restrictions=
  -o smtpd_sender_restrictions=
  -o smtpd_relay_restrictions=
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
MC
        done
    } > "$inst/etc/master.cf"
    # TLS for every listener: a self-signed certificate made at the first start, as "postfix tls
    # new-server-key" makes one (Bouncy Castle, like Debian's snakeoil certificate), kept afterwards
    cert=$(ls -t "$inst"/etc/cert-*.pem 2>/dev/null | head -1 || true)
    if [ -z "$cert" ]; then
        "$dist/bin/postfix" -c "$inst/etc" tls new-server-key localhost.localdomain localhost >/dev/null 2>"$inst/log/tls.err" \
            || { cat "$inst/log/tls.err" >&2; exit 1; }
        cert=$(ls -t "$inst"/etc/cert-*.pem | head -1)
    fi
    key=$(dirname "$cert")/key-${cert##*/cert-}
    # SASL users for submission, in the built-in table postpasswd(1) maintains; smtpd (mail_owner) reads it
    [ -f "$inst/etc/sasl-users" ] || : > "$inst/etc/sasl-users"
    [ -f "$inst/etc/sasl-users.db" ] || MAIL_CONFIG="$inst/etc" "$dist/bin/postmap" "hash:$inst/etc/sasl-users"
    if [ "$(id -u)" = 0 ]; then
        chgrp "$owner" "$inst/etc/sasl-users" "$inst/etc/sasl-users.db" "$key"
        chmod 640 "$inst/etc/sasl-users" "$inst/etc/sasl-users.db" "$key"
    fi
    cat >> "$inst/etc/main.cf" <<CF
smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $key
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_type = builtin
smtpd_sasl_user_maps = hash:$inst/etc/sasl-users
smtpd_sasl_authenticated_header = yes
CF
    [ -f "$inst/etc/aliases" ] || cat > "$inst/etc/aliases" <<AL
postmaster: $(id -un)
mailer-daemon: postmaster
AL
    MAIL_CONFIG="$inst/etc" "$dist/bin/postalias" "hash:$inst/etc/aliases"   # hash: wants aliases.db, as with Postfix
}

case "${1:-start}" in
build)
    build
    ;;
start)
    build
    owner=$(ensure_owner)
    write_instance "$owner"
    "$dist/bin/postfix" -c "$inst/etc" start
    for port in 2525 2587 2465; do # each listener is its own smtpd, up when it answers
        for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    done
    "$dist/bin/postfix" -c "$inst/etc" status
    user=$(id -un)
    cat <<MSG
Postroom is running: SMTP on 127.0.0.1:2525, submission on 2587 and 2465, instance in $inst, log in $inst/log/maillog.
Send a test message:
  printf 'Subject: hello\r\n\r\nIt works.\r\n' | curl -s smtp://127.0.0.1:2525 --mail-from you@example.org --mail-rcpt $user@localhost -T -
or locally:  printf 'Subject: hi\n\nvia sendmail\n' | MAIL_CONFIG=$inst/etc $dist/bin/sendmail $user
It lands in the Maildir $inst/mail/$user/new/

Submission with AUTH: 127.0.0.1:2587 (STARTTLS first) and 127.0.0.1:2465 (TLS at connect); STARTTLS is
offered on 2525 too. The certificate is self-signed: $cert
Create a user (asks for the password):
  $dist/bin/postpasswd -c $inst/etc you@example.org
then send as that user:
  printf 'Subject: hello\r\n\r\nsent with AUTH\r\n' | curl -s --ssl-reqd --cacert $cert smtp://localhost:2587 \\
      --user 'you@example.org:PASSWORD' --mail-from you@example.org --mail-rcpt $user@localhost -T -
  swaks -s 127.0.0.1 -p 2465 --tlsc -a -au you@example.org -ap PASSWORD -f you@example.org -t $user@localhost
Stop with: ./postroom.sh stop
MSG
    ;;
stop)
    "$dist/bin/postfix" -c "$inst/etc" stop
    ;;
test)
    ensure_owner >/dev/null
    mvn -B verify
    ;;
*)
    echo "usage: $0 start|stop|test" >&2; exit 64 ;;
esac
