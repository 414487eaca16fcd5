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

# What a CPU sample was doing: the innermost modelswap frame of its stack decides (so the I/O that a modelswap method
# calls counts for it, and what Vert.x calls back into modelswap counts for that callback); a stack without any
# modelswap frame is the HTTP machinery itself.
COMPONENTS = [
    ("model scan of the request body (ModelExtractor, JsonBodies)", re.compile(r"^io\.modelswap\.(proxy\.ModelExtractor|http\.JsonBodies)\.")),
    ("body read (BoundedBody, BodyBudget)", re.compile(r"^io\.modelswap\.http\.(BoundedBody|BodyBudget)")),
    ("forwarding: request to the upstream, answer piped back (UpstreamForwarder, AnswerRelay, LiveResponse)",
     re.compile(r"^io\.modelswap\.proxy\.(UpstreamForwarder|UpstreamPools|UpstreamRequests|AnswerRelay|LiveResponse|NonStreamingAnswer)")),
    ("routes and dispatch (ProxyRoutes, ProxyExchange, RequestGuard, model resolution)",
     re.compile(r"^io\.modelswap\.(proxy|selector|backend|http)\.")),
    ("router: submit, grant, serveDone and the run loop", re.compile(r"^io\.modelswap\.(router|bus)\.")),
    ("usage scanning (UsageScanner, Tokens)", re.compile(r"^io\.modelswap\.metrics\.(UsageScanner|Tokens)")),
    ("request metrics and activity rows (RequestTracker, LiveRequest, ActivityLog)",
     re.compile(r"^io\.modelswap\.(metrics|activity)\.")),
    ("captures (CaptureRecorder, CaptureBuffer)", re.compile(r"^io\.modelswap\.capture\.")),
    ("in-flight list (InflightRequests)", re.compile(r"^io\.modelswap\.inflight\.")),
    ("access log and proxy log ring (AccessLog, LogHub, LogRing)",
     re.compile(r"^io\.modelswap\.(accesslog\.|logs\.|process\.LogRing)")),
    ("API keys and CORS (AccessFilter, CorsHeaders)", re.compile(r"^io\.modelswap\.access\.")),
    ("connection guards (ConnectionGuard, HeaderSizeLimit)", re.compile(r"^io\.modelswap\.edge\.")),
    ("other modelswap code (process supervision, performance sampling, ...)", re.compile(r"^io\.modelswap\.")),
]
NO_MODELSWAP = "HTTP server and client machinery with no modelswap frame (Vert.x, Netty, web router)"


def component(frames):
    ours = next((f for f in frames if f.startswith("io.modelswap.")), None)
    if ours is None:
        return NO_MODELSWAP
    # the guards sit under every read of a connection: look past them to what the read was for
    if re.match(r"^io\.modelswap\.edge\.HeaderDeadline", ours):
        inner = [f for f in frames if f.startswith("io.modelswap.") and not re.match(r"^io\.modelswap\.edge\.HeaderDeadline", f)]
        if not inner or frames.index(inner[0]) > frames.index(ours):
            return NO_MODELSWAP
        ours = inner[0]
    for name, pattern in COMPONENTS:
        if pattern.search(ours):
            return name
    return NO_MODELSWAP


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


SELF = [
    ("socket calls (their Java side)", re.compile(r"^(sun\.nio\.ch\.|io\.netty\.channel\.epoll\.Native|java\.net\.|sun\.nio\.fs)")),
    ("modelswap", re.compile(r"^io\.modelswap\.")),
    ("Vert.x", re.compile(r"^io\.vertx\.")),
    ("Netty", re.compile(r"^io\.netty\.")),
    ("Jackson", re.compile(r"^com\.fasterxml\.")),
    ("Micrometer", re.compile(r"^io\.micrometer\.")),
    ("Quarkus, ArC, SmallRye", re.compile(r"^io\.(quarkus|smallrye)\.")),
    ("JDK: strings, collections, other", re.compile(r"^(java|jdk|sun)\.")),
]


def library(frames):
    """The library the sampled method belongs to; a JDK method (a HashMap, a String) is charged to its first caller
    outside the JDK. JFR samples Java code only: time inside system calls is not in these samples at all."""
    first = frames[0]
    if SELF[0][1].search(first):
        return SELF[0][0]
    for frame in frames:
        for name, pattern in SELF[1:-1]:
            if pattern.search(frame):
                return name
    return SELF[-1][0]


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
    libraries = collections.Counter()
    threads = collections.Counter()
    for fields, frames in events(jfr("print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", path)):
        if not frames:
            continue
        samples += 1
        thread = re.sub(r"\d+", "N", fields.get("sampledThread", "?").split('"')[1] if '"' in fields.get("sampledThread", "") else "?")
        threads[thread] += 1
        top[re.sub(r"\s+line:.*", "", frames[0])] += 1
        libraries[library(frames)] += 1
        areas[component(frames)] += 1
    print(f"| CPU samples by what they were doing (innermost modelswap frame; {samples:,} samples) | share |")
    print("|---|---|")
    for name, n in areas.most_common():
        print(f"| {name} | {100 * n / max(1, samples):.1f} % |")
    print()
    print(f"| CPU samples by where the sampled method is (self) | share |")
    print("|---|---|")
    for name, n in libraries.most_common():
        print(f"| {name} | {100 * n / max(1, samples):.1f} % |")
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
