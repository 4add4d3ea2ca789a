#!/bin/sh
# echo.cgi - a CGI endpoint with its own CORS header; records each request that reaches it.
# Read the request body first: mod_cgid under event drops the connection when a
# script exits with its POST body unread, whatever mod_cors does.
if [ -n "$CONTENT_LENGTH" ] && [ "$CONTENT_LENGTH" -gt 0 ]; then
    head -c "$CONTENT_LENGTH" >/dev/null
fi
echo "$REQUEST_METHOD $REQUEST_URI" >> "$HITS_FILE"
printf 'Content-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n\r\n'
printf '{"backend":"cgi","method":"%s"}\n' "$REQUEST_METHOD"
