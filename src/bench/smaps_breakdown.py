#!/usr/bin/env python3
"""Where a native modelswap's RSS goes, from /proc/PID/smaps: prints `component=KiB` lines (and `threads=N`).

    src/bench/smaps_breakdown.py PID [EXECUTABLE-PATH]

Components (SubstrateVM's layout, serial GC, glibc):
  code        the executable's text (file-backed, clean: page cache the kernel can drop and read again)
  image_heap  the executable's image heap, the objects built at build time, as mapped from the file
  image_cow   image-heap pages written at run time (copy-on-write: anonymous, private)
  java_heap   the collected heap: anonymous pages inside the heap's address-space reservation, which starts at the
              image heap and ends in a PROT_NONE mapping of gigabytes (eden, survivors, old, and free chunks kept)
  stacks      thread stacks: an anonymous mapping right above a small PROT_NONE guard (glibc's pthread stacks)
  malloc      glibc's brk heap and its per-thread arenas (64 MiB-aligned mappings; MALLOC_ARENA_MAX bounds them)
  other_anon  any other anonymous mapping: mmap'd malloc blocks (direct buffers), the main stack, small runtime data
  libs        shared libraries and locale files
Each row is Rss, so shared file pages count in full, as VmRSS counts them.
"""
import os
import re
import sys

HEADER = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$')
GIB = 1 << 30
ARENA = 64 << 20


def mappings(pid):
    maps, cur = [], None
    with open(f'/proc/{pid}/smaps') as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                cur = {'start': int(m[1], 16), 'end': int(m[2], 16), 'perms': m[3], 'path': m[4].strip(),
                       'rss': 0, 'anon': 0}
                maps.append(cur)
            elif line.startswith('Rss:'):
                cur['rss'] = int(line.split()[1])
            elif line.startswith('Anonymous:'):
                cur['anon'] = int(line.split()[1])
    return maps


def breakdown(pid, exe):
    maps = mappings(pid)
    # contiguous runs of mappings: the heap reservation is the run holding the image heap and a huge PROT_NONE tail
    runs, run = [], []
    for m in maps:
        if run and run[-1]['end'] != m['start']:
            runs.append(run)
            run = []
        run.append(m)
    runs.append(run)
    in_heap = set()
    for r in runs:
        if any(m['path'] == exe for m in r) and any(m['perms'] == '---p' and m['end'] - m['start'] > GIB for m in r):
            in_heap.update(id(m) for m in r)
    out = dict.fromkeys(['code', 'image_heap', 'image_cow', 'java_heap', 'stacks', 'malloc', 'other_anon', 'libs'], 0)
    threads = 0
    prev = None
    for m in maps:
        anonymous = m['path'] == '' or m['path'].startswith('[')
        if m['path'] == exe:
            if 'x' in m['perms']:
                out['code'] += m['rss']
            else:
                out['image_heap'] += m['rss'] - m['anon']
                out['image_cow'] += m['anon']
        elif id(m) in in_heap and anonymous:
            out['java_heap'] += m['rss']
        elif m['path'] == '[heap]':
            out['malloc'] += m['rss']
        elif anonymous and m['perms'] == 'rw-p' and m['path'] == '' and prev is not None \
                and prev['end'] == m['start'] and prev['perms'] == '---p' and prev['end'] - prev['start'] <= 64 << 10:
            out['stacks'] += m['rss']
            threads += 1
        elif anonymous and m['path'] == '' and m['start'] % ARENA == 0:
            out['malloc'] += m['rss']
        elif anonymous:
            out['other_anon'] += m['rss']
        else:
            out['libs'] += m['rss']
        prev = m
    return out, threads


def main():
    pid = sys.argv[1]
    exe = sys.argv[2] if len(sys.argv) > 2 else os.path.realpath(f'/proc/{pid}/exe')
    out, stacks = breakdown(pid, exe)
    for k, v in out.items():
        print(f'{k}={v}')
    print(f'stack_mappings={stacks}')
    print(f'threads={len(os.listdir(f"/proc/{pid}/task"))}')
    print(f'total={sum(out.values())}')


if __name__ == '__main__':
    main()
