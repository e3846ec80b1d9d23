#!/usr/bin/env python3
"""Runs a command and reports its wall time, CPU time and peak memory.

Usage: bench/measure.py OUT.json CMD ARGS...

Peak memory is sampled from /proc every 20 ms as two numbers: anonymous
memory (heap: what the program allocates) and file-backed memory (pages of
memory-mapped index files, which the kernel can drop at will). The peak
resident set size (ru_maxrss) counts both. The command's stderr is kept in
the JSON under "stderr"; its stdout is discarded.
"""
import json
import resource
import subprocess
import sys
import time


def sample(pid):
    anon = file = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
                elif line.startswith("RssFile:"):
                    file = int(line.split()[1])
    except OSError:
        pass
    return anon, file


def main():
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_anon = peak_file = 0
    import threading
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    while proc.poll() is None:
        anon, file = sample(proc.pid)
        peak_anon, peak_file = max(peak_anon, anon), max(peak_file, file)
        time.sleep(0.02)
    wall = time.monotonic() - start
    reader.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wall": round(wall, 3),
        "user": round(usage.ru_utime, 3),
        "sys": round(usage.ru_stime, 3),
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
        "anon_mb": round(peak_anon / 1024, 1),
        "file_mb": round(peak_file / 1024, 1),
        "status": proc.returncode,
        "stderr": "".join(err),
    }
    with open(out, "w") as f:
        json.dump(result, f)
    sys.exit(0 if proc.returncode in (0,) else proc.returncode)


if __name__ == "__main__":
    main()
