#!/bin/sh
# Runs a private Debian Postfix and captures the bounce/delay/success/verify notices it generates, with
# the original queue files they were made from. Needs root and the postfix package; /etc/postfix is not
# touched. Usage: capture.sh OUTDIR
set -e
OUT=${1:?usage: capture.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(mktemp -d /tmp/pfnotice.XXXXXX)
chmod 755 "$ROOT"
mkdir -p "$ROOT/etc" "$ROOT/spool" "$ROOT/data" "$ROOT/mail" "$OUT/orig" "$OUT/notice"
chown postfix "$ROOT/data"; chmod 1777 "$ROOT/mail"
PORT=2525
grep -v '^  flags=' /etc/postfix/master.cf.proto | awk -v port=$PORT '
  /^smtp      inet/ { sub(/^smtp      inet/, "127.0.0.1:" port " inet") }
  !/^#/ && !/^ / && NF >= 8 { if ($8 == "pipe") next; $5 = "n" }
  { print }' > "$ROOT/etc/master.cf"
cat > "$ROOT/etc/main.cf" <<CF
compatibility_level = 3.6
multi_instance_name = postfix-notice
queue_directory = $ROOT/spool
data_directory = $ROOT/data
meta_directory = /etc/postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.example.com
mydomain = example.com
mydestination = \$myhostname, localhost
alias_maps = inline:{ {list=nosuch1, nosuch2} }
alias_database =
local_recipient_maps =
mail_spool_directory = $ROOT/mail
relayhost = [127.0.0.1]:2626
transport_maps = inline:{ reject.example=smtp:[127.0.0.1]:2727 }
notify_classes = resource, software, bounce, delay, 2bounce
bounce_notice_recipient = pm@remote.example
2bounce_notice_recipient = pm2@remote.example
delay_notice_recipient = pmd@remote.example
delay_warning_time = 1s
minimal_backoff_time = 300s
maximal_backoff_time = 600s
queue_run_delay = 300s
smtpd_client_restrictions = check_client_access static:HOLD
maillog_file = $ROOT/maillog
maillog_file_prefixes = $ROOT
CF
python3 "$HERE/fake_smtp.py" 2727 & FAKE=$!
trap 'kill $FAKE; postfix -c $ROOT/etc stop >/dev/null 2>&1 || true' EXIT
script -qc "postfix -c $ROOT/etc start" /dev/null
sleep 2
python3 "$HERE/send.py" $PORT
sleep 2
# the originals, on hold: keep a copy of each queue file, then release them
for f in $(find "$ROOT/spool/hold" -type f); do cp "$f" "$OUT/orig/"; done
postsuper -c "$ROOT/etc" -H ALL
sendmail -C "$ROOT/etc" -f sender@remote.example -bv nosuch@mail.example.com nobody@mail.example.com
postqueue -c "$ROOT/etc" -f
sleep 15
# F was deferred (connection refused) and got a delay warning; now let it expire
ID=$(basename "$(grep -l 'Subject: F delayed' "$OUT"/orig/* | head -1)")
if [ -n "$ID" ]; then
  find "$ROOT/spool/defer" -name "$ID" -exec cp {} "$OUT/orig/$ID.defer" \;
  postsuper -c "$ROOT/etc" -e "$ID"
  postqueue -c "$ROOT/etc" -i "$ID"
  sleep 10
fi
# the notices: every queued message whose sender is empty or double-bounce
for f in $(find "$ROOT/spool/deferred" "$ROOT/spool/active" "$ROOT/spool/incoming" -type f); do
  ID=$(basename "$f")
  postcat -c "$ROOT/etc" -e -q "$ID" > "$OUT/notice/$ID.env" 2>&1 || true
  postcat -c "$ROOT/etc" -bh -q "$ID" > "$OUT/notice/$ID.msg" 2>&1 || true
  cp "$f" "$OUT/notice/$ID.qf"
done
cp "$ROOT/maillog" "$OUT/maillog"
ls "$ROOT/mail" > "$OUT/mailboxes"
postfix -c "$ROOT/etc" stop >/dev/null 2>&1 || true
rm -rf "$ROOT"
