#!/bin/sh
# items.cgi - the demo API's one dynamic endpoint: echoes what it was sent, as JSON.
body=""
if [ -n "${CONTENT_LENGTH:-}" ] && [ "$CONTENT_LENGTH" -gt 0 ] 2>/dev/null; then
    body=$(head -c "$CONTENT_LENGTH")
fi
auth="none"
[ -n "${HTTP_AUTHORIZATION:-}" ] && auth="present"
printf 'Content-Type: application/json\n\n'
printf '{"method": "%s", "authorization": "%s", "received": %s}\n' \
    "$REQUEST_METHOD" "$auth" "${body:-null}"
