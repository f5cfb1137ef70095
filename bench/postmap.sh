#!/usr/bin/env bash
# bench/postmap.sh [ENTRIES] [LOOKUPS] [ROUNDS] [TYPE]
# Times Postroom's postmap against Debian's /usr/sbin/postmap on the same input: building a table of
# ENTRIES (default 100,000) "key value" lines, and LOOKUPS (default 10,000) keys through
# "postmap -q - TYPE:file < keys" (half of them hits). Each figure is the median of ROUNDS (default 3)
# runs, wall clock, including JVM start-up for Postroom (printed separately as "startup").
# Uses dist/target/postroom/bin/postmap (build it with: mvn -o -q -B install -DskipTests -pl global,tools,dist)
# or $POSTMAP. Checks that both programs print the same lookup results.
set -euo pipefail
N=${1:-100000}
L=${2:-10000}
R=${3:-3}
TYPE=${4:-hash}
here=$(cd "$(dirname "$0")" && pwd)
OURS=${POSTMAP:-$here/../dist/target/postroom/bin/postmap}
DEB=/usr/sbin/postmap
[ -x "$DEB" ] || { echo "bench/postmap.sh: Debian's postmap is not installed (apt-get install postfix)" >&2; exit 1; }
[ -x "$OURS" ] || { echo "bench/postmap.sh: $OURS missing; build the distribution first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cf" "$work/deb" "$work/our"
echo 'compatibility_level = 3.6' > "$work/cf/main.cf"
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "User%d@Domain%d.example dest-%d@relay.example.net\n", i, i % 97, i }' > "$work/table"
awk -v n="$N" -v l="$L" 'BEGIN { srand(42); for (i = 0; i < l; i++) { k = int(rand() * n); if (i % 2) printf "user%d@domain%d.example\n", k, k % 97; else printf "nobody%d@nowhere.example\n", k } }' > "$work/keys"
cp "$work/table" "$work/deb/table"
cp "$work/table" "$work/our/table"
touch -d '2020-01-01' "$work/deb/table" "$work/our/table"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() { # run NAME PROG DIR -> sets build_ms lookup_ms startup_ms
    local prog=$2 dir=$3 b="" q="" s="" t
    for _ in $(seq 1 "$R"); do
        t=$(date +%s%N); "$prog" -c "$work/cf" "$TYPE:$dir/table"; b="$b $(ms "$t")"
        t=$(date +%s%N); "$prog" -c "$work/cf" -q - "$TYPE:$dir/table" < "$work/keys" > "$dir/out"; q="$q $(ms "$t")"
        t=$(date +%s%N); "$prog" -c "$work/cf" -q x static:y > /dev/null; s="$s $(ms "$t")"
    done
    printf -v "$1_build" '%s' "$(echo $b | median)"
    printf -v "$1_lookup" '%s' "$(echo $q | median)"
    printf -v "$1_startup" '%s' "$(echo $s | median)"
}
run deb "$DEB" "$work/deb"
run our "$OURS" "$work/our"
cmp -s "$work/deb/out" "$work/our/out" || { echo "bench/postmap.sh: lookup results differ" >&2; diff "$work/deb/out" "$work/our/out" | head >&2; exit 1; }
hits=$(wc -l < "$work/our/out")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "postmap benchmark: $TYPE table, $N entries, $L lookups ($hits hits), median of $R runs (ms, wall clock)"
printf '%-28s %10s %10s %8s\n' "" "debian" "postroom" "ratio"
printf '%-28s %10s %10s %8s\n' "build ($N entries)" "$deb_build" "$our_build" "$(ratio "$our_build" "$deb_build")"
printf '%-28s %10s %10s %8s\n' "lookups ($L via -q -)" "$deb_lookup" "$our_lookup" "$(ratio "$our_lookup" "$deb_lookup")"
printf '%-28s %10s %10s %8s\n' "startup (-q x static:y)" "$deb_startup" "$our_startup" "$(ratio "$our_startup" "$deb_startup")"
printf '%-28s %10s %10s\n' "table file size (bytes)" "$(stat -c %s "$work/deb/table.db")" "$(stat -c %s "$work/our/table.db")"
