#!/bin/sh
# y surrounded by spaces and a CRLF, followed by blank lines.
echo "log line 1"
printf '  -4.25e-1  \r\n\n  \n'
