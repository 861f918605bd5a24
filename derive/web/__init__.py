"""The practice page and the HTTP API of ``derive serve`` (Starlette on uvicorn).

``create_app(bank, catalogue_dirs, ...)`` builds the ASGI application:

- ``POST /api/check`` {expected, answer, assume}: the object of ``derive check --json``;
- ``POST /api/read`` {answer, assume}: how the answer is read, or the error with its position;
- ``GET /api/questions``, ``POST /api/questions/{id}/answer`` {answer}: the bank, and a verdict
  with feedback, ``read_as`` and a counterexample;
- ``GET /api/entries``, ``GET /api/entries/{id}``: the catalogue and an entry's walkthrough;
- ``GET /openapi.json``: the API's description; ``/`` the practice page, ``/entries/{id}`` an
  entry's page; ``/static/`` the page's scripts and the vendored KaTeX (no other host is asked).

Every check, reading and walkthrough runs in the sandboxed worker pool (``derive.web.pool``), under
the time and memory limits of ``derive grade``; the server process never imports the engine for a
request. Bodies over ``max_body`` bytes are refused with 413, malformed JSON with 400, an unknown id
with 404, and a full waiting line with 503.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from derive.web.openapi import OPENAPI
from derive.web.pool import Busy, WebPool

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024  # bytes of one request body
MAX_FIELD = 4000  # characters of one text field (the reader's own cap is 2000 of mathematics)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


class ApiError(HTTPException):
    """An HTTP error with a message for the client (sent as ``{"error": ..., "status": ...}``)."""


async def _body(request: Request, cap: int) -> dict[str, Any]:
    """The JSON object of a request body at most ``cap`` bytes long, or an ``ApiError``."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "the Content-Length header is not a number")
        if int(length) > cap:
            raise ApiError(413, f"the body of {int(length)} bytes is over the cap of {cap} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise ApiError(413, f"the body is over the cap of {cap} bytes")
    try:
        data = json.loads(bytes(body))
    except RecursionError:
        raise ApiError(400, "the body is not valid JSON: it nests too deeply") from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, not {type(data).__name__}")
    return data


class SecurityHeaders:
    """Every response forbids other hosts (scripts, styles, fonts, requests come from this one)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _field(data: dict[str, Any], name: str, required: bool = True) -> str:
    """The text field ``name`` of a body: a string of at most ``MAX_FIELD`` characters."""
    if name not in data or data[name] is None:
        if required:
            raise ApiError(400, f"the field '{name}' is missing")
        return ""
    value = data[name]
    if not isinstance(value, str):
        raise ApiError(400, f"the field '{name}' must be a string, not {type(value).__name__}")
    if len(value) > MAX_FIELD:
        raise ApiError(
            413, f"the field '{name}' has {len(value)} characters; the cap is {MAX_FIELD}"
        )
    return value


def _graded(result: dict) -> dict:
    """A grading outcome, also when the sandbox stopped the worker (verdict ``unknown``)."""
    if "feedback" in result:
        return result
    reason = result.get("reason") or "the answer could not be checked"
    return {
        "verdict": result.get("verdict", "unknown"),
        "feedback": f"The answer could not be checked: {reason}.",
        "read_as": None,
        "read_as_latex": None,
        "method": result.get("method", "sandbox"),
        "counterexample": None,
        "derivation": None,
        "reason": reason,
        "time": result.get("time"),
    }


def create_app(
    bank=None,
    catalogue_dirs: tuple[str, ...] | list[str] = (),
    workers: int = 2,
    timeout: float = 5.0,
    memory_mb: int | None = 1024,
    max_body: int = MAX_BODY,
    max_waiting: int = 256,
) -> Starlette:
    """The ASGI application; ``bank`` is a loaded ``derive.grade.Bank`` (default: the course's)."""
    if bank is None:
        from derive.grade import load_bank

        bank = load_bank(None)
    dirs = [str(d) for d in catalogue_dirs]
    pool = WebPool(workers, timeout, memory_mb, max_waiting)
    cache: dict[str, Any] = {}

    async def run(task: dict) -> dict:
        try:
            return await pool.run(task)
        except Busy as exc:
            raise ApiError(503, f"the server is busy: {exc}; try again") from None

    async def api_check(request: Request) -> Response:
        data = await _body(request, max_body)
        task = {
            "kind": "check",
            "expected": _field(data, "expected"),
            "answer": _field(data, "answer"),
            "assume": _field(data, "assume", required=False),
        }
        from derive.sandbox import check_result

        return JSONResponse(check_result(await run(task)).to_dict())

    async def api_read(request: Request) -> Response:
        data = await _body(request, max_body)
        task = {
            "kind": "read",
            "answer": _field(data, "answer"),
            "assume": _field(data, "assume", required=False),
        }
        result = await run(task)
        if "ok" not in result:  # the sandbox stopped the worker
            result = {"ok": False, "error": {"input": "answer", "reason": result.get("reason")}}
        return JSONResponse(result)

    async def api_questions(request: Request) -> Response:
        rows = [
            {"id": q.id, "prompt": q.prompt, "assume": q.assume} for q in bank.questions.values()
        ]
        return JSONResponse({"title": bank.title, "source": bank.source, "questions": rows})

    def question(request: Request):
        qid = request.path_params["qid"]
        if qid not in bank.questions:
            raise ApiError(404, f"no question {qid!r} in the bank")
        return bank.questions[qid]

    async def api_question(request: Request) -> Response:
        q = question(request)
        return JSONResponse({"id": q.id, "prompt": q.prompt, "assume": q.assume})

    async def api_answer(request: Request) -> Response:
        q = question(request)
        data = await _body(request, max_body)
        from derive.grade import InputRow, task_for

        task = task_for(InputRow(1, {"question": q.id, "answer": _field(data, "answer")}), bank)
        # a right answer comes with why: the kernel-checked derivation, if one was found
        result = _graded(await run({"kind": "grade", **task, "derivations": True}))
        return JSONResponse({"question": q.id, **result})

    async def api_entries(request: Request) -> Response:
        if "entries" not in cache:
            result = await run({"kind": "entries", "dirs": dirs})
            if "entries" not in result:
                raise ApiError(503, f"the catalogue could not be listed: {result.get('reason')}")
            cache["entries"] = result["entries"]
        return JSONResponse({"entries": cache["entries"]})

    async def api_entry(request: Request) -> Response:
        eid = request.path_params["eid"]
        key = f"entry:{eid}"
        if key not in cache:
            if eid not in known_entries:
                raise ApiError(404, f"no entry {eid!r} in the catalogue")
            result = await run({"kind": "entry", "id": eid, "dirs": dirs})
            if "walkthrough" not in result:
                raise ApiError(503, f"the walkthrough failed: {result.get('reason')}")
            cache[key] = result["walkthrough"]
        return JSONResponse(cache[key])

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def entry_page(request: Request) -> Response:
        if request.path_params["eid"] not in known_entries:
            raise HTTPException(404, "no such entry")
        return FileResponse(STATIC / "entry.html")

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "workers": len(pool.worker_pids())})

    async def error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "internal error")
        return JSONResponse({"error": detail, "status": status}, status_code=status)

    from derive.catalogue import load

    known_entries = set(load(dirs).entries)  # a broken catalogue stops start-up here

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        pool.start()
        try:
            yield
        finally:
            pool.close()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/entries/{eid}", entry_page),
            Route("/api/check", api_check, methods=["POST"]),
            Route("/api/read", api_read, methods=["POST"]),
            Route("/api/questions", api_questions),
            Route("/api/questions/{qid}", api_question),
            Route("/api/questions/{qid}/answer", api_answer, methods=["POST"]),
            Route("/api/entries", api_entries),
            Route("/api/entries/{eid}", api_entry),
            Route("/api/health", health),
            Route("/openapi.json", openapi),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={HTTPException: error},
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.pool = pool
    return app
