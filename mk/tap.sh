# tap.sh - the result lines and the closing count of every shell test suite (tests/httpd/,
# tests/corscheck/, tests/deb/, e2e/, load/, conf-examples/test-examples.sh).
# POSIX sh, sourced:
#     . "$top/mk/tap.sh"
# Each assertion prints one line, "ok - NAME" or "not ok - NAME", then a failure's details as
# "#   " lines, and counts it. It returns 0 whatever the result, so a suite under set -e goes
# on to its next check. The suite ends with tap_done, whose line "N passed, N failed" is what
# e2e/run.sh and the make targets read; its status is the suite's.
#
#   check NAME WANT GOT        GOT is the string WANT; else "#   want: WANT", "#   got:  GOT"
#   like NAME PATTERN TEXT     a line of TEXT matches PATTERN (grep -E); else "#   want:
#                              /PATTERN/" and TEXT's first $TAP_GOT_LINES (20) lines as "got"
#   below NAME VALUE BOUND     the integer VALUE is less than BOUND: "ok - NAME (VALUE < BOUND)",
#                              else "not ok - NAME (VALUE, bound BOUND)"
#   ok NAME COMMAND...         COMMAND exits 0 (its output goes where the suite's goes)
#   pass NAME                  a passing line, for a verdict the suite reached its own way
#   fail NAME [DETAIL...]      a failing line, then each DETAIL as a "#   DETAIL" line
#   skip WHY                   "skipped: WHY", counted apart: neither passed nor failed
#   tap_done                   prints "N passed, N failed" (", N skipped" after it when some
#                              were); returns 0 when nothing failed and something passed
#
# The counts are $tap_passed, $tap_failed and $tap_skipped. A check run in a subshell (a
# pipeline's right side, $(...)) is counted there and lost: call them from the suite's shell.
# Internal names start with _tap; the functions set no other variable of their caller.

tap_passed=0
tap_failed=0
tap_skipped=0

pass() {
    tap_passed=$((tap_passed + 1))
    printf 'ok - %s\n' "$1"
}

fail() {
    tap_failed=$((tap_failed + 1))
    printf 'not ok - %s\n' "$1"
    shift
    for _tap_d in "$@"; do printf '%s\n' "$_tap_d" | sed 's/^/#   /'; done
    return 0
}

skip() {
    tap_skipped=$((tap_skipped + 1))
    printf 'skipped: %s\n' "$*"
}

# _tap_show LABEL TEXT: TEXT's lines, the first after "LABEL", the others aligned under it.
_tap_show() {
    printf '%s\n' "$2" | sed "1s/^/#   $1 /; 2,\$s/^/#         /"
}

check() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1"
        _tap_show "want:" "$2"
        _tap_show "got: " "$3"
    fi
}

like() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then
        pass "$1"
    else
        fail "$1"
        printf '#   want: /%s/\n' "$2"
        printf '%s\n' "$3" | head -n "${TAP_GOT_LINES:-20}" | sed 's/^/#   got:  /'
    fi
}

below() {
    if [ "$2" -lt "$3" ]; then
        pass "$1 ($2 < $3)"
    else
        fail "$1 ($2, bound $3)"
    fi
}

ok() {
    _tap_name=$1
    shift
    if "$@"; then pass "$_tap_name"; else fail "$_tap_name"; fi
}

tap_done() {
    if [ "$tap_skipped" -gt 0 ]; then
        echo "$tap_passed passed, $tap_failed failed, $tap_skipped skipped"
    else
        echo "$tap_passed passed, $tap_failed failed"
    fi
    [ "$tap_failed" -eq 0 ] && [ "$tap_passed" -gt 0 ]
}
