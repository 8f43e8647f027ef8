#!/usr/bin/env python3
"""Python anchors for the loopbridge mode comparison (stdlib only).

Times the three patterns a synchronous Python web view uses to run a coroutine, in-process (no HTTP):

  asyncio.run per call        each caller thread runs asyncio.run(coro()) (a fresh loop per call)
  thread pool + fresh loop    callers submit to a ThreadPoolExecutor(min(32, cpus + 4)) a function doing
                              new_event_loop() + run_until_complete() + close(); caller waits for .result()
  shared loop thread          one long-lived loop thread (run_forever); callers do
                              run_coroutine_threadsafe(coro(), loop).result()

for a trivial coroutine and a 10 ms asyncio.sleep, at 1, 16, 64 and 256 caller threads. Each cell is
bounded in time (--seconds) and in calls (--max-calls). Writes JSON (--out) and prints a table.
"""
import argparse
import asyncio
import concurrent.futures
import json
import os
import platform
import sys
import threading
import time


async def trivial():
    return 1


async def sleep10():
    await asyncio.sleep(0.010)
    return 1


BODIES = {"trivial": trivial, "sleep 10 ms": sleep10}


def fresh_loop_call(coro_fn):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro_fn())
    finally:
        loop.close()


class SharedLoop:
    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="shared-loop", daemon=True)
        self.thread.start()

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def run_cell(pattern, body, threads, seconds, max_calls):
    coro_fn = BODIES[body]
    pool = None
    shared = None
    if pattern == "asyncio.run per call":
        def call():
            return asyncio.run(coro_fn())
    elif pattern == "thread pool + fresh loop":
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4))

        def call():
            return pool.submit(fresh_loop_call, coro_fn).result()
    else:
        shared = SharedLoop()

        def call():
            return asyncio.run_coroutine_threadsafe(coro_fn(), shared.loop).result()

    lock = threading.Lock()
    budget = [max_calls]
    latencies = []
    start_barrier = threading.Barrier(threads + 1)
    deadline = [0.0]

    def worker():
        mine = []
        start_barrier.wait()
        end = deadline[0]
        while True:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            t0 = time.perf_counter()
            if t0 >= end:
                break
            call()
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    t_start = time.perf_counter()
    deadline[0] = t_start + seconds
    start_barrier.wait()
    for w in workers:
        w.join(seconds + 60)
    elapsed = time.perf_counter() - t_start
    if pool is not None:
        pool.shutdown(wait=True)
    if shared is not None:
        shared.close()
    latencies.sort()
    n = len(latencies)

    def pct(p):
        return latencies[min(n - 1, int(p / 100 * n))] * 1e6 if n else float("nan")

    return {
        "pattern": pattern, "body": body, "threads": threads, "calls": n, "seconds": elapsed,
        "calls_per_s": n / elapsed if elapsed > 0 else 0.0,
        "mean_us": sum(latencies) / n * 1e6 if n else float("nan"),
        "p50_us": pct(50), "p99_us": pct(99),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="0.3 s per cell instead of 1 s")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per cell")
    parser.add_argument("--max-calls", type=int, default=2_000_000, help="most calls per cell")
    parser.add_argument("--threads", default="1,16,64,256")
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else (0.3 if args.quick else 1.0)
    thread_counts = [int(t) for t in args.threads.split(",")]
    patterns = ["asyncio.run per call", "thread pool + fresh loop", "shared loop thread"]
    # warm-up: imports, first loop creation
    for pattern in patterns:
        run_cell(pattern, "trivial", 1, 0.05, 1000)
    results = []
    for body in BODIES:
        for pattern in patterns:
            for threads in thread_counts:
                r = run_cell(pattern, body, threads, seconds, args.max_calls)
                results.append(r)
                print(f"[python] {pattern:26s} {body:12s} threads={threads:<3d} {r['calls_per_s']:10.0f} calls/s "
                      f"mean {r['mean_us']:9.1f} us p50 {r['p50_us']:9.1f} us p99 {r['p99_us']:9.1f} us", flush=True)
    doc = {
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.platform}, "
                  f"{os.cpu_count()} CPUs seen)",
        "settings": f"{seconds} s per cell (at most {args.max_calls} calls), caller threads {thread_counts}, "
                    f"thread pool of min(32, cpus + 4) = {min(32, (os.cpu_count() or 1) + 4)} workers",
        "results": results,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
