#!/bin/sh
# Dies from a signal, as a crashing simulator would.
kill -SEGV $$
