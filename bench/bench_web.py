"""Load benchmark of ``derive serve`` on loopback: CLIENTS concurrent clients send REQUESTS requests
of a class mix (answers to the bank's questions: right, rewritten, known wrong, unreadable;
readings for the live preview; free checks; the bank) with hostile requests in it (a 256 KiB body,
JSON nested 30,000 deep, malformed JSON, an unknown id, ``9^{9^{9^9}}``, ``A^{99999999999}``).

It starts the server itself on a free loopback port, reports answers/s and p50/p99 latency per
class and overall, counts failures (a transport error, a 5xx, or a status or verdict other than the
one the class must get), checks that the server still answers afterwards, and stops it. Bounded:
REQUESTS requests, a 30 s timeout each, 600 s in all. Not a test: ``python bench/bench_web.py``.
"""

from __future__ import annotations

import asyncio
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from derive.grade import load_bank

CLIENTS = 20
REQUESTS = 2000
WORKERS = 2
DEADLINE = 600.0
ROOT = Path(__file__).parent.parent


def mix(rng: random.Random) -> list[tuple[str, str, str, object, set]]:
    """(class, method, path, body, what it must get) for every request, shuffled."""
    bank = load_bank()
    qs = list(bank.questions.values())
    out = []
    for _ in range(REQUESTS):
        q = rng.choice(qs)
        r = rng.random()
        if r < 0.45:
            wrong = [f.answer for f in q.feedback]
            answer = rng.choice([q.expected, q.expected.replace("^", " ^ "), *q.accepted, *wrong])
            out.append(
                ("answer", "POST", f"/api/questions/{q.id}/answer", {"answer": answer}, {200})
            )
        elif r < 0.50:
            out.append(
                (
                    "answer",
                    "POST",
                    f"/api/questions/{q.id}/answer",
                    {"answer": q.expected + "{"},
                    {200},
                )
            )
        elif r < 0.65:
            out.append(
                ("read", "POST", "/api/read", {"answer": q.expected, "assume": q.assume}, {200})
            )
        elif r < 0.75:
            body = {"expected": q.expected, "answer": q.expected, "assume": q.assume}
            out.append(("check", "POST", "/api/check", body, {200}))
        elif r < 0.80:
            out.append(("questions", "GET", "/api/questions", None, {200}))
        else:
            kind = rng.choice(["huge", "deep", "malformed", "unknown-id", "tower", "power"])
            if kind == "huge":
                body = b'{"answer": "' + b"A" * (256 * 1024) + b'"}'
                out.append(("hostile", "POST", "/api/read", body, {413}))
            elif kind == "deep":
                out.append(("hostile", "POST", "/api/check", b"[" * 30_000 + b"]" * 30_000, {400}))
            elif kind == "malformed":
                out.append(("hostile", "POST", "/api/check", b'{"expected": "A", ', {400}))
            elif kind == "unknown-id":
                out.append(
                    ("hostile", "POST", "/api/questions/nope/answer", {"answer": "A"}, {404})
                )
            else:
                answer = "9^{9^{9^9}}" if kind == "tower" else "A^{99999999999}"
                body = {"expected": "A", "answer": answer}
                out.append(("hostile-math", "POST", "/api/check", body, {200}))
    return out


def verdict_ok(cls: str, data: dict) -> bool:
    if cls == "hostile-math":
        return data.get("verdict") in ("invalid", "unknown")
    if cls in ("answer", "check"):
        return data.get("verdict") in (
            "equivalent",
            "equivalent-wrong-form",
            "not-equivalent",
            "invalid",
            "unknown",
        )
    return True


async def run(url: str, requests: list) -> tuple[dict, list[str], float]:
    queue: asyncio.Queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    times: dict[str, list[float]] = {}
    failures: list[str] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30.0) as http:
            while not queue.empty():
                cls, method, path, body, want = queue.get_nowait()
                start = time.perf_counter()
                try:
                    if isinstance(body, bytes):
                        response = await http.request(method, path, content=body)
                    else:
                        response = await http.request(method, path, json=body)
                    ok = response.status_code in want and (
                        response.status_code != 200 or verdict_ok(cls, response.json())
                    )
                    if not ok:
                        failures.append(
                            f"{cls} {path}: {response.status_code} {response.text[:200]}"
                        )
                except httpx.HTTPError as exc:
                    failures.append(f"{cls} {path}: {type(exc).__name__}: {exc}")
                times.setdefault(cls, []).append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(CLIENTS))), DEADLINE)
    return times, failures, time.perf_counter() - start


def quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "derive", "serve", "--port", str(port), "--workers", str(WORKERS)],
        cwd=ROOT,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/api/health", timeout=2).json()["ok"]:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        requests = mix(random.Random(20261201))
        times, failures, seconds = asyncio.run(run(url, requests))
        after = httpx.post(url + "/api/check", json={"expected": "(AB)^T", "answer": "B^TA^T"})
        alive = after.status_code == 200 and after.json()["verdict"] == "equivalent"
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [t for ts in times.values() for t in ts]
    print(
        f"derive serve on loopback: {CLIENTS} clients, {len(every)} requests, {WORKERS} workers, "
        f"{seconds:.1f} s"
    )
    print(f"{'class':<14}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}")
    for cls in sorted(times):
        ts = times[cls]
        print(
            f"{cls:<14}{len(ts):>6}{quantile(ts, 0.5) * 1e3:>10.1f}{quantile(ts, 0.99) * 1e3:>10.1f}"
        )
    print(
        f"{'all':<14}{len(every):>6}{quantile(every, 0.5) * 1e3:>10.1f}{quantile(every, 0.99) * 1e3:>10.1f}"
    )
    graded = sum(len(times.get(c, [])) for c in ("answer", "check", "hostile-math"))
    print(f"throughput: {len(every) / seconds:.1f} requests/s, {graded / seconds:.1f} answers/s")
    print(f"failures: {len(failures)}; server answering afterwards: {alive}")
    for line in failures[:10]:
        print("  " + line)
    return 0 if not failures and alive else 1


if __name__ == "__main__":
    sys.exit(main())
