#!/usr/bin/env python3
"""Summarises a JFR recording of modelswap under load (src/bench/profile.sh) for docs/benchmarks.md.

    python3 src/bench/jfr_summary.py RECORDING.jfr REQUESTS

Prints, as Markdown: bytes allocated per request (the difference of every thread's allocation counter between the
recording's first and last jdk.ThreadAllocationStatistics, divided by REQUESTS); CPU samples by what they were doing
(inclusive: a sample counts for every area one of its frames belongs to); the methods most often on top of the stack;
and the allocation sites (the innermost modelswap frame of each allocation sample, weighted by its bytes).
Uses the JDK's `jfr` tool from PATH.
"""
import collections
import json
import re
import subprocess
import sys

# What a CPU sample was doing, by the frames in its stack: first match per area, areas may overlap (inclusive).
AREAS = [
    ("model scan of the request body (ModelExtractor)", re.compile(r"io\.modelswap\.proxy\.(ModelExtractor|JsonBodies)\.")),
    ("body read (BoundedBody)", re.compile(r"io\.modelswap\.proxy\.BoundedBody")),
    ("request tracking: metrics, activity row, in-flight list (metrics/inflight/capture)",
     re.compile(r"io\.modelswap\.(metrics|inflight|capture|activity)\.")),
    ("usage scanning (UsageScanner, Tokens)", re.compile(r"io\.modelswap\.metrics\.(UsageScanner|Tokens)")),
    ("micrometer meters", re.compile(r"io\.micrometer\.")),
    ("router: submit/grant/serveDone and the run loop", re.compile(r"io\.modelswap\.router\.")),
    ("event bus delivery", re.compile(r"io\.vertx\.core\.eventbus\.")),
    ("upstream forwarding (UpstreamForwarder, pools)", re.compile(r"io\.modelswap\.proxy\.(UpstreamForwarder|UpstreamPools|LiveResponse)")),
    ("Vert.x HTTP client (to the upstream)", re.compile(r"io\.vertx\.core\.http\.impl\.(Http1xClient|HttpClient|ClientHttp|SharedClientHttpStreamEndpoint|Http1xClientConnection)")),
    ("Vert.x HTTP server and web router", re.compile(r"io\.vertx\.(core\.http\.impl\.(Http1xServer|HttpServer)|ext\.web\.)")),
    ("Netty HTTP codec", re.compile(r"io\.netty\.handler\.codec\.http\.")),
    ("socket reads and writes (epoll, syscalls)", re.compile(r"io\.netty\.channel\.(epoll|nio|unix)|sun\.nio\.ch\.|io\.netty\.channel\.socket")),
    ("logging", re.compile(r"org\.jboss\.logging|org\.jboss\.logmanager")),
]

UNITS = {"bytes": 1, "byte": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def jfr(*args):
    return subprocess.run(["jfr", *args], check=True, capture_output=True, text=True).stdout


def size(text):
    number, unit = text.strip().split(" ", 1)
    return float(number) * UNITS[unit.strip()]


def events(text):
    """Yields (fields, frames) of each event in `jfr print` text."""
    fields, frames, in_stack = {}, [], False
    for line in text.splitlines():
        s = line.strip()
        if s.endswith("{") and not s.startswith("stackTrace"):
            fields, frames, in_stack = {}, [], False
        elif s == "stackTrace = [":
            in_stack = True
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack:
            if s and s != "...":
                frames.append(s)
        elif s == "}":
            yield fields, frames
        elif " = " in s:
            key, value = s.split(" = ", 1)
            fields[key] = value


def allocated_per_request(path, requests):
    data = json.loads(jfr("print", "--json", "--events", "jdk.ThreadAllocationStatistics", path))
    first, last = {}, {}
    for e in data["recording"]["events"]:
        tid = e["values"]["thread"]["javaThreadId"] if e["values"]["thread"] else None
        value = e["values"]["allocated"]
        first.setdefault(tid, value)
        last[tid] = value
    total = sum(last[t] - first.get(t, 0) for t in last)
    return total, total / max(1, requests)


def main():
    path, requests = sys.argv[1], int(sys.argv[2])
    total, per_request = allocated_per_request(path, requests)
    print(f"{requests:,} requests profiled; {total / 1024 ** 2:,.0f} MiB allocated, "
          f"**{per_request / 1024:,.1f} KiB per request**")
    print()

    samples = 0
    areas = collections.Counter()
    top = collections.Counter()
    threads = collections.Counter()
    for fields, frames in events(jfr("print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path)):
        if not frames:
            continue
        samples += 1
        thread = re.sub(r"\d+", "N", fields.get("sampledThread", "?").split('"')[1] if '"' in fields.get("sampledThread", "") else "?")
        threads[thread] += 1
        top[re.sub(r"\s+line:.*", "", frames[0])] += 1
        for name, pattern in AREAS:
            if any(pattern.search(f) for f in frames):
                areas[name] += 1
    print(f"| CPU samples by area (inclusive, of {samples:,}) | share |")
    print("|---|---|")
    for name, _ in AREAS:
        print(f"| {name} | {100 * areas[name] / max(1, samples):.1f} % |")
    print()
    print("| CPU samples by thread | share |")
    print("|---|---|")
    for name, n in threads.most_common(6):
        print(f"| {name} | {100 * n / max(1, samples):.1f} % |")
    print()
    print("| hottest methods (self) | share |")
    print("|---|---|")
    for name, n in top.most_common(15):
        print(f"| `{name[:110]}` | {100 * n / max(1, samples):.1f} % |")
    print()

    sites = collections.Counter()
    weight_total = 0.0
    for fields, frames in events(jfr("print", "--stack-depth", "96", "--events", "jdk.ObjectAllocationSample", path)):
        if "weight" not in fields:
            continue
        weight = size(fields["weight"])
        weight_total += weight
        ours = next((f for f in frames if f.startswith("io.modelswap.")), None)
        key = re.sub(r"\s+line:.*", "", ours) if ours else "(no modelswap frame) " + re.sub(r"\s+line:.*", "", frames[0] if frames else "?")
        sites[key] += weight
    print("| allocation sites (innermost modelswap frame, by sampled bytes) | share |")
    print("|---|---|")
    for name, w in sites.most_common(15):
        print(f"| `{name[:110]}` | {100 * w / max(1.0, weight_total):.1f} % |")


if __name__ == "__main__":
    main()
