#!/bin/sh
# run.sh - every end-to-end suite, one after another; prints the total "N passed, N failed".
#   sh e2e/run.sh [SUITE...]    SUITE: backends cache h2 sources browser-http browser-https
# The browser suites run Chromium, Firefox and WebKit in turn (E2E_BROWSERS picks fewer).
dir=$(dirname "$0")
[ $# -gt 0 ] || set -- backends cache h2 sources browser-http browser-https
total_p=0
total_f=0
for suite in "$@"; do
    echo "== e2e: $suite"
    case $suite in
        browser-*) out=$(sh "$dir/browser.sh" "${suite#browser-}" 2>&1) ;;
        *) out=$(sh "$dir/$suite.sh" 2>&1) ;;
    esac
    rc=$?
    printf '%s\n' "$out"
    tally=$(printf '%s\n' "$out" | tail -1)
    case $tally in
        *" passed, "*" failed" | *" passed, "*" failed, "*" skipped")
            p=${tally%% passed*}
            f=${tally#*passed, }
            f=${f%% failed*}
            total_p=$((total_p + p))
            total_f=$((total_f + f)) ;;
        *) total_f=$((total_f + 1)); echo "not ok - $suite did not finish" ;;
    esac
    [ $rc -eq 0 ] || [ "$total_f" -gt 0 ] || total_f=1
done
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ] && [ "$total_p" -gt 0 ]
