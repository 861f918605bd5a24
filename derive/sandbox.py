"""Bounded checks: every check runs in a worker process with a wall-clock and a memory limit.

Main contents:

- ``run_check(expected, answer, assume, timeout=..., memory_mb=...)``: one check in a fresh worker;
  the ``CheckResult`` dict plus ``time`` (seconds), or ``unknown`` with a ``reason`` when the worker
  ran out of time or memory or died.
- ``CheckPool``: N long-lived workers for a batch; a worker that exceeds a limit or dies is killed
  and replaced, and its task gets ``unknown`` with the reason. ``imap_unordered`` yields one result
  per task, whatever happens.

The parent never imports SymPy or the engine: workers are forked and import it themselves. Limits are
enforced from outside: the child sets ``RLIMIT_AS`` on itself right after the fork, and the parent
kills a child whose task outlives its deadline (signals inside the worker would not interrupt long
integer arithmetic). Results come back as JSON text, never as pickles.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from derive.errors import DeriveError

DEFAULT_TIMEOUT = 5.0  # seconds of wall clock for one task
DEFAULT_MEMORY_MB = 1024  # address space of one worker
STARTUP_TIMEOUT = 120.0  # seconds for a new worker to import the engine
SANDBOX_METHOD = "sandbox"
MAX_FAILED_STARTS = 3  # consecutive workers that die before they are ready: the pool gives up

Job = Callable[[dict], dict]


class SandboxError(DeriveError):
    """The sandbox cannot run checks at all (workers die before they are ready)."""


def check_job(task: dict) -> dict:
    """Run one ``derive.checker.check`` in the worker; the payload has expected, answer, assume."""
    from derive.checker import check

    return check(
        task["expected"],
        task["answer"],
        assume=task.get("assume") or "",
        derivation=task.get("derivation", True),
    ).to_dict()


def warm_engine() -> None:
    """Import the engine in a new worker, so that the first task's clock does not pay for it."""
    try:
        from derive.checker import check

        check("A", "A")
    except Exception:  # noqa: BLE001 - a failing warm-up shows up again, as a verdict, on a task
        pass


def unknown(reason: str) -> dict:
    """The result for a task that the sandbox stopped: verdict ``unknown`` with the reason.

    >>> unknown("the check took longer than 5 s")["reason"]
    'the check took longer than 5 s'
    """
    return {
        "verdict": "unknown",
        "method": SANDBOX_METHOD,
        "expected": None,
        "answer": None,
        "reason": reason,
    }


def _set_memory_limit(memory_mb: int | None) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb:
        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_main(
    conn: Connection, job: Job, memory_mb: int | None, warm: Callable[[], None]
) -> None:
    """The loop of one worker: read a task as JSON, run ``job``, answer as JSON; exit on EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_memory_limit(memory_mb)
    warm()
    conn.send_bytes(json.dumps({"ready": True, "peak_mb": _peak_mb()}).encode())
    while True:
        try:
            task = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            result = job(task)
            fatal = False
        except MemoryError:
            result, fatal = (
                unknown(f"the check ran out of memory (the memory limit is {memory_mb} MB)"),
                True,
            )
        except RecursionError:
            result, fatal = (
                unknown("the check ran out of stack (the expression nests too deeply)"),
                False,
            )
        except Exception as exc:  # noqa: BLE001 - a bug in the engine must still give a verdict
            result = unknown(f"internal error in the checker: {type(exc).__name__}: {exc}")
            fatal = False
        try:
            payload = json.dumps(
                {"result": result, "peak_mb": _peak_mb(), "exit": fatal},
                ensure_ascii=False,
                default=str,
            )
            conn.send_bytes(payload.encode())
        except MemoryError:
            os._exit(3)
        if fatal:  # the heap may be in a bad state; the parent starts a fresh worker
            os._exit(3)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    key: Any = None
    task: dict | None = None
    started: float = 0.0
    deadline: float = 0.0
    peak_mb: float = 0.0


@dataclass
class PoolStats:
    """What a pool did: tasks run, workers started and killed, the largest worker seen (MB RSS)."""

    tasks: int = 0
    started: int = 0
    killed_timeout: int = 0
    died: int = 0
    peak_mb: float = 0.0
    reasons: list[str] = field(default_factory=list)


class CheckPool:
    """N forked workers running ``job`` on tasks, each under ``timeout`` seconds and ``memory_mb``.

    Use as a context manager; ``imap_unordered`` yields ``(key, result)`` for every task, with the
    result's ``time`` in seconds, in the order the tasks finish.
    """

    def __init__(
        self,
        workers: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        job: Job = check_job,
        warm: Callable[[], None] = warm_engine,
        once: bool = False,
    ):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        self.size = workers
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.job = job
        self.warm = warm
        self.once = once  # identical tasks run once (a deterministic job only)
        self.stats = PoolStats()
        self._ctx = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        self._failed_starts = 0

    def __enter__(self) -> CheckPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring, and for tests that kill one)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def busy_pids(self) -> list[int]:
        """The process ids of workers that are running a task now."""
        return [w.process.pid for w in self._workers if w.task is not None]

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main,
            daemon=True,
            name="derive-check",
            args=(child, self.job, self.memory_mb, self.warm),
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, deadline=time.monotonic() + STARTUP_TIMEOUT)
        self._workers.append(worker)
        self.stats.started += 1
        return worker

    def _kill(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        try:
            worker.process.kill()
        except (OSError, AttributeError):
            pass
        worker.process.join(timeout=5)
        worker.conn.close()

    def close(self) -> None:
        """Stop every worker: close its pipe (it exits), and kill it if it does not."""
        for worker in list(self._workers):
            try:
                worker.conn.close()
            except OSError:
                pass
        for worker in list(self._workers):
            if worker.process.is_alive():
                worker.process.kill()  # idle: its results are in; nothing is lost
            worker.process.join(timeout=5)
        self._workers.clear()

    def _dispatch(self, worker: _Worker, key: Any, task: dict) -> bool:
        try:
            worker.conn.send_bytes(json.dumps(task, ensure_ascii=False).encode())
        except (OSError, ValueError):
            return False
        worker.key, worker.task = key, task
        worker.started = time.monotonic()
        worker.deadline = worker.started + self.timeout
        return True

    def _finish(self, worker: _Worker, result: dict) -> tuple[Any, dict]:
        key = worker.key
        result = dict(result)
        result["time"] = round(time.monotonic() - worker.started, 4)
        worker.key, worker.task = None, None
        self.stats.tasks += 1
        return key, result

    def _death_reason(self, worker: _Worker) -> str:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        else:
            how = f"exit status {code}"
        limit = f"; the memory limit is {self.memory_mb} MB" if self.memory_mb else ""
        if code == 3:
            return f"the check ran out of memory{limit}; the worker was replaced"
        return f"the worker process died ({how}{limit}); it was replaced"

    def imap_unordered(self, tasks: Iterable[tuple[Any, dict]]) -> Iterator[tuple[Any, dict]]:
        """Run every ``(key, task)``; yield ``(key, result)`` as each finishes, exactly once each.

        With ``once``, identical tasks (the same JSON text: five students with one answer) run
        once, and every key of them gets the result (and its time) when it comes."""
        if not self.once:
            yield from self._imap(tasks)
            return
        keys: dict[str, list[Any]] = {}
        unique: list[tuple[str, dict]] = []
        for key, task in tasks:
            text = json.dumps(task, sort_keys=True, ensure_ascii=False)
            if text not in keys:
                keys[text] = []
                unique.append((text, task))
            keys[text].append(key)
        for text, result in self._imap(unique):
            for key in keys[text]:
                yield key, dict(result)

    def _imap(self, tasks: Iterable[tuple[Any, dict]]) -> Iterator[tuple[Any, dict]]:
        pending = deque(tasks)
        while len(self._workers) < min(self.size, max(1, len(pending))):
            self._start()
        while pending or any(w.task is not None for w in self._workers):
            for worker in self._workers:
                if worker.ready and worker.task is None and pending:
                    key, task = pending.popleft()
                    if not self._dispatch(worker, key, task):
                        pending.appendleft((key, task))
            yield from self._step()

    def _step(self) -> Iterator[tuple[Any, dict]]:
        """Wait for the next message, death or deadline among the workers, and settle it."""
        now = time.monotonic()
        timed = [w.deadline for w in self._workers if w.task is not None or not w.ready]
        timeout = max(0.0, min(timed, default=now + 1.0) - now)
        handles: dict[Any, _Worker] = {}
        for w in self._workers:
            handles[w.conn] = w
            handles[w.process.sentinel] = w
        settled: set[int] = set()
        for handle in wait(list(handles), timeout=timeout):
            worker = handles[handle]
            if id(worker) in settled:
                continue
            settled.add(id(worker))
            message = self._receive(worker)
            if message is None:
                yield from self._replace(worker, self._death_reason(worker), died=True)
            elif message.get("ready"):
                worker.ready, worker.deadline = True, 0.0
                self._failed_starts = 0
                self.stats.peak_mb = max(self.stats.peak_mb, message.get("peak_mb", 0.0))
            elif "result" in message and worker.task is not None:
                self.stats.peak_mb = max(self.stats.peak_mb, message.get("peak_mb", 0.0))
                retire = bool(message.get("exit"))
                yield self._finish(worker, message["result"])
                if retire:  # the worker exits after a MemoryError: replace it before reuse
                    self._kill(worker)
                    self._start()
        now = time.monotonic()
        for worker in list(self._workers):
            busy = worker.task is not None or not worker.ready
            if busy and id(worker) not in settled and now >= worker.deadline:
                if worker.task is None:
                    reason = f"a worker took over {STARTUP_TIMEOUT:g} s to start"
                else:
                    reason = (
                        f"the check took longer than the time limit of {self.timeout:g} s; "
                        "the worker was stopped and replaced"
                    )
                yield from self._replace(worker, reason, died=False)

    def _replace(self, worker: _Worker, reason: str, died: bool) -> Iterator[tuple[Any, dict]]:
        """Kill ``worker``, start another, and give its task (if any) ``unknown`` with ``reason``."""
        self._kill(worker)
        if not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= MAX_FAILED_STARTS:
                raise SandboxError(
                    f"{self._failed_starts} workers failed to start ({reason}); "
                    f"is the memory limit of {self.memory_mb} MB too low?"
                )
        if died:
            self.stats.died += 1
        else:
            self.stats.killed_timeout += 1
        self._start()
        if worker.task is not None:
            self.stats.reasons.append(reason)
            yield self._finish(worker, unknown(reason))

    def _receive(self, worker: _Worker) -> dict | None:
        try:
            if not worker.conn.poll():
                return {} if worker.process.is_alive() else None
            return json.loads(worker.conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            return None

    def run(self, task: dict) -> dict:
        """Run one task and return its result (with ``time``)."""
        for _, result in self.imap_unordered([(0, task)]):
            return result
        return unknown("the sandbox returned no result")


def run_check(
    expected: str,
    answer: str,
    assume: str = "",
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
) -> dict:
    """Check one answer in a fresh worker under the limits: the ``CheckResult`` dict plus ``time``.

    A check that outlives ``timeout`` seconds or ``memory_mb`` of address space gets verdict
    ``unknown`` and a ``reason``; the worker is killed.
    """
    task = {"expected": expected, "answer": answer, "assume": assume or ""}
    with CheckPool(workers=1, timeout=timeout, memory_mb=memory_mb) as pool:
        return pool.run(task)


def prove_job(task: dict) -> dict:
    """Run one ``derive.prove.prove`` in the worker; the payload has claim, assume, seconds."""
    from dataclasses import asdict

    from derive.prove import prove

    return asdict(prove(task["claim"], assume=task.get("assume") or "", seconds=task["seconds"]))


def run_prove(
    claim: str,
    assume: str = "",
    timeout: float = 10.0,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
):
    """``prove`` in a fresh worker under the limits: a ``ProveResult``. The search gets part of
    the time; past ``timeout`` the worker is killed and the answer is ``unknown``, with the reason."""
    from derive.prove import ProveResult

    task = {"claim": claim, "assume": assume or "", "seconds": max(0.1, 0.6 * timeout)}
    with CheckPool(workers=1, timeout=timeout, memory_mb=memory_mb, job=prove_job) as pool:
        data = pool.run(task)
    if "status" not in data:  # the sandbox stopped it
        why = f"no answer within the time limit of {timeout:g} s (the search was stopped)"
        return ProveResult(
            "unknown",
            claim,
            reason=why if "time" in str(data.get("reason")) else data.get("reason"),
        )
    fields = {k: v for k, v in data.items() if k in ProveResult.__dataclass_fields__}
    fields["steps"] = [tuple(s) for s in fields.get("steps", [])]
    return ProveResult(**fields)


def check_result(data: dict):
    """A ``CheckResult`` from the dict that ``run_check`` returns (for printing it as ``check`` does)."""
    from derive.checker import CheckResult

    return CheckResult(
        data.get("verdict", "unknown"),
        data.get("method", SANDBOX_METHOD),
        data.get("expected"),
        data.get("answer"),
        counterexample=data.get("counterexample"),
        hint=data.get("hint"),
        error=data.get("error"),
        reason=data.get("reason"),
        read_as=data.get("read_as"),
        feedback=data.get("feedback"),
        derivation=data.get("derivation"),
    )
