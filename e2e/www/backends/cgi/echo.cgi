#!/bin/sh
# echo.cgi - a CGI endpoint with its own CORS header; records each request that reaches it.
echo "$REQUEST_METHOD $REQUEST_URI" >> "$HITS_FILE"
printf 'Content-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n\r\n'
printf '{"backend":"cgi","method":"%s"}\n' "$REQUEST_METHOD"
