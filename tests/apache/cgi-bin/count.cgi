#!/bin/sh
# Counts the requests that reach the backend: preflights never must.
echo "$REQUEST_METHOD" >> "${COUNT_FILE:-/dev/null}"
echo "Content-Type: text/plain"
echo
echo "counted $REQUEST_METHOD"
