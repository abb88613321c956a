"""Runs a command and records its wall time (s), peak resident memory (MiB)
and processor time (user + system, s: above the wall time when it uses
several cores).

usage: python measure.py OUTFILE COMMAND [ARGS...]

Writes "wall_s peak_rss_mib exit_status cpu_s" to OUTFILE; the command's own
output passes through. Standard library only (no need for GNU time).
"""

import resource
import subprocess
import sys
import time


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    t = time.perf_counter()
    status = subprocess.run(cmd).returncode
    wall = time.perf_counter() - t
    # ru_maxrss is in KiB on Linux; this process waits for only this one child.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_mib = usage.ru_maxrss / 1024.0
    cpu = usage.ru_utime + usage.ru_stime
    with open(out, "w") as f:
        f.write("%.3f %.1f %d %.3f\n" % (wall, rss_mib, status, cpu))
    return status


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main())
