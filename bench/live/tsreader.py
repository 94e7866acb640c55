#!/usr/bin/env python3
"""Copies stdin to the file named by argv[1], each line prefixed with the wall-clock time it
arrived (seconds since the epoch, microseconds). Used by run.sh because `swaptwin serve` and
`swaptwin emulate --log` print no timestamps."""
import sys
import time

with open(sys.argv[1], "a", buffering=1) as out:
    for line in sys.stdin.buffer:
        out.write("%.6f %s\n" % (time.time(), line.decode("utf-8", "replace").rstrip("\n")))
