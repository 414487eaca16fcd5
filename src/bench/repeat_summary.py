#!/usr/bin/env python3
"""The goals of issue 16 over several compare.sh runs: median (min-max) of each figure, from the raw wrk, SseLoad and
footprint files each run left in its OUT directory (src/bench/repeat.sh)."""
import os
import re
import statistics
import sys


def wrk(path):
    text = open(path).read()
    out = {}
    if int(re.search(r"(\d+) requests in", text).group(1)) == 0:
        return None  # nothing answered within the run: no latency to compare
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, text, re.M)
        value = float(m.group(1))
        out["p" + pct] = {"us": value / 1000, "ms": value, "s": value * 1000}[m.group(2)]
    out["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", text))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["errors"] = errors + (sum(int(g) for g in m.groups()) if m else 0)
    return out


def cpu(path):
    """The proxy's CPU microseconds per request in that wrk run (compare.sh's .cpu file), None when missing."""
    try:
        return float(open(path + ".cpu").read())
    except (OSError, ValueError):
        return None


def fields(path):
    return {k: v for k, v in (pair.split("=", 1) for pair in open(path).read().split())}


def cell(values, fmt="{:.2f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))} to {fmt.format(max(values))})"


def ratio(m, n):
    return None if n < 0.001 else m / n


runs = sys.argv[1:]
modes = [mode for mode in ("jvm", "native") if all(os.path.exists(os.path.join(r, f"{mode}-footprint.txt")) for r in runs)]
print(f"{len(runs)} runs; median (min to max)")
for mode in modes:
    loads = [fields(os.path.join(r, f"{mode}-footprint.txt"))["load"].replace("/", " ") for r in runs]
    print(f"\n#### {mode}: load average at the start of each run: {'; '.join(loads)}\n")
    print("| conns | nginx added p50 ms | modelswap added p50 ms | added p50 ratio (goal <= 2) | added p99 ratio (goal <= 3) | req/s ratio | CPU us per request, nginx / modelswap | errors nginx / modelswap (all runs) |")
    print("|---|---|---|---|---|---|---|---|")
    for c in (1, 32, 256):
        rows = []
        for r in runs:
            d, n, m = (wrk(os.path.join(r, f"{mode}-{p}-{c}.txt")) for p in ("direct", "nginx", "modelswap"))
            if d is None or n is None or m is None:
                rows.append((None, None, None, None, 0.0 if m is None else None, 0, 0))
                continue
            rows.append((n["p50"] - d["p50"], m["p50"] - d["p50"],
                         ratio(m["p50"] - d["p50"], n["p50"] - d["p50"]),
                         ratio(m["p99"] - d["p99"], n["p99"] - d["p99"]), m["rps"] / n["rps"], n["errors"], m["errors"]))
        cpus = [(cpu(os.path.join(r, f"{mode}-nginx-{c}.txt")), cpu(os.path.join(r, f"{mode}-modelswap-{c}.txt")))
                for r in runs]
        cols = list(zip(*rows))
        cpu_cell = f"{cell([n for n, _ in cpus], '{:.0f}')} / {cell([m for _, m in cpus], '{:.0f}')}"
        note = "" if all(x is not None for x in cols[1]) else "; a path answered nothing in a run"
        print(f"| {c} | {cell(cols[0], '{:.3f}')} | {cell(cols[1], '{:.3f}')} | {cell(cols[2])} | {cell(cols[3])} | {cell(cols[4])} | {cpu_cell} | {sum(cols[5])} / {sum(cols[6])}{note} |")
    print("\n| SSE | errors | added first-event p99 ms (goal <= 50) | added per-event p99 ms (goal <= 5) |")
    print("|---|---|---|---|")
    for path in ("nginx", "modelswap"):
        errs, first, per = [], [], []
        for r in runs:
            d = fields(os.path.join(r, f"{mode}-direct-sse.txt"))
            p = fields(os.path.join(r, f"{mode}-{path}-sse.txt"))
            errs.append(float(p["errors"]))
            first.append(float(p["first_p99_ms"]) - float(d["first_p99_ms"]))
            per.append(float(p["delay_p99_ms"]) - float(d["delay_p99_ms"]))
        print(f"| {path} | {cell(errs, '{:.0f}')} | {cell(first, '{:.1f}')} | {cell(per, '{:.1f}')} |")
    foot = [fields(os.path.join(r, f"{mode}-footprint.txt")) for r in runs]
    get = lambda k: [float(f[k]) for f in foot]
    settle = [100 * (float(f["settled_rss"]) - float(f["pre_sse_rss"])) / float(f["pre_sse_rss"]) for f in foot]
    print("\n| footprint | |")
    print("|---|---|")
    print(f"| spawn to first /health 200, ms | {cell(get('health_ms'), '{:.0f}')} |")
    print(f"| idle RSS, MiB | {cell(get('idle_rss'), '{:.1f}')} |")
    print(f"| RSS after the wrk runs, MiB | {cell(get('wrk_rss'), '{:.1f}')} |")
    print(f"| RSS after the settle time vs before the SSE load (goal within 10 %) | {cell(settle, '{:+.1f} %')} |")
