#!/bin/bash
# Regenerates the .ref files from Debian's Postfix (the reference): for each TYPE-name.in, the part before
# the "%%" line is written to a file named "table", the part after it is fed to "postmap -q - TYPE:table"
# (hash tables are built with "postmap hash:table" first). The .ref holds postmap's stderr, a "--" line,
# then its stdout. The source gets an old mtime: Postfix re-reads a texthash file (warning again)
# while its mtime is within a second or two of the current time. Run from this directory; needs postfix (and postfix-pcre for pcre-*).
set -eu
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo 'compatibility_level = 3.6' > "$work/main.cf"
for in in *.in; do
    type=${in%%-*}
    awk 'BEGIN{p=1} /^%%$/{p=0; next} p' "$in" > "$work/table"
    awk 'BEGIN{p=0} p; /^%%$/{p=1}' "$in" > "$work/keys"
    touch -d '2020-01-01 00:00:00' "$work/table"   # texthash re-reads files changed in the last seconds
    (
        cd "$work"
        rm -f table.db
        : > err
        if [ "$type" = hash ]; then postmap -c "$work" hash:table 2>>err || true; fi
        postmap -c "$work" -q - "$type:table" < keys > out 2>>err || true
    )
    { cat "$work/err"; echo "--"; cat "$work/out"; } > "$here/${in%.in}.ref"
done
