#!/bin/sh
# A CGI backend that sets its own CORS headers and, on request, an error status.
case "$QUERY_STRING" in
    status=500) echo "Status: 500 Internal Server Error" ;;
esac
echo "Access-Control-Allow-Origin: *"
echo "Access-Control-Expose-Headers: X-Everything"
echo "X-Handled-By: cgi"
echo "Content-Type: text/plain"
echo
echo "cgi $REQUEST_METHOD"
