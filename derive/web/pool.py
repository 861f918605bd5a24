"""The sandboxed worker pool of the web server, for asyncio.

``derive.sandbox.CheckPool`` is synchronous: one caller drives its workers. The server keeps N
pools of one worker each (forked at start-up, each under the time and memory limits of
``derive grade``); a request borrows a free one, runs its task in a thread (the event loop never
blocks), and gives it back. A worker that outlives its time or memory limit is killed and replaced
by its pool, and the request gets ``unknown`` with the reason. When too many requests wait for a
worker, new ones are refused at once (``Busy``: the server answers 503) rather than queued forever.
"""

from __future__ import annotations

import asyncio

import anyio.to_thread

from derive.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, CheckPool
from derive.web.jobs import web_job


class Busy(Exception):
    """Every worker is busy and the waiting line is full."""


class WebPool:
    """``workers`` one-worker ``CheckPool``s shared by the requests of one event loop."""

    def __init__(
        self,
        workers: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        max_waiting: int = 256,
    ):
        self.pools = [
            CheckPool(workers=1, timeout=timeout, memory_mb=memory_mb, job=web_job)
            for _ in range(workers)
        ]
        self.max_waiting = max_waiting
        self.waiting = 0
        self.free: asyncio.Queue[CheckPool] | None = None

    def start(self) -> None:
        """Fork the workers now (they import the engine while the server starts)."""
        self.free = asyncio.Queue()
        for pool in self.pools:
            pool._start()
            self.free.put_nowait(pool)

    def close(self) -> None:
        for pool in self.pools:
            pool.close()

    def worker_pids(self) -> list[int]:
        return [pid for pool in self.pools for pid in pool.worker_pids()]

    async def run(self, task: dict) -> dict:
        """Run ``task`` in a free worker under the limits; raise ``Busy`` if the line is full."""
        assert self.free is not None, "WebPool.start() was not called"
        if self.waiting >= self.max_waiting:
            raise Busy(f"{self.waiting} requests are waiting for a worker")
        self.waiting += 1
        try:
            pool = await self.free.get()
        finally:
            self.waiting -= 1
        try:
            # not abandoned on cancel: the pool goes back only when its worker is idle again
            return await anyio.to_thread.run_sync(pool.run, task)
        finally:
            self.free.put_nowait(pool)
