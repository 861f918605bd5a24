"""The OpenAPI description of ``derive serve``'s HTTP API (served at ``/openapi.json``)."""

from __future__ import annotations


def _text(description: str) -> dict:
    return {"type": "string", "maxLength": 4000, "description": description}


def _body(required: list[str], **fields: dict) -> dict:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": required, "properties": fields}
            }
        },
    }


ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}
OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}


def _responses(ok: str, *errors: int) -> dict:
    words = {
        400: "malformed JSON, or a missing or mistyped field",
        404: "unknown id",
        413: "the body (64 KiB) or a field (4000 characters) is over its cap",
        503: "every worker is busy and the waiting line is full",
    }
    out = {"200": {"description": ok, **OBJECT}}
    for code in errors:
        out[str(code)] = {
            "description": words[code],
            "content": {"application/json": {"schema": ERROR}},
        }
    return out


ASSUME = _text('assumptions, e.g. "A, B invertible; x vector"')
OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "derive",
        "version": "0.1.0",
        "description": "Answer checking for a course on linear algebra. Every check runs in a "
        "sandboxed worker with a time and a memory limit; a check that exceeds them answers "
        "verdict unknown with the reason.",
    },
    "paths": {
        "/api/check": {
            "post": {
                "summary": "Check an answer against an expected answer (as derive check --json)",
                "requestBody": _body(
                    ["expected", "answer"],
                    expected=_text("the expected answer (strict notation)"),
                    answer=_text("the answer (LaTeX as a student types it)"),
                    assume=ASSUME,
                ),
                "responses": _responses(
                    "verdict (equivalent, not-equivalent, invalid, unknown), method, read_as, "
                    "counterexample, feedback, error, derivation (for an equivalent answer by "
                    "derivation: [{expr, by}], each step checked by the kernel)",
                    400,
                    413,
                    503,
                ),
            }
        },
        "/api/read": {
            "post": {
                "summary": "How the answer is read, or the error with its position",
                "requestBody": _body(["answer"], answer=_text("the answer"), assume=ASSUME),
                "responses": _responses(
                    "{ok: true, read_as: {latex, unicode, changes}} or {ok: false, error: "
                    "{input, position, reason}}",
                    400,
                    413,
                    503,
                ),
            }
        },
        "/api/questions": {
            "get": {
                "summary": "The question bank: id, prompt, assume",
                "responses": _responses("the questions"),
            }
        },
        "/api/questions/{id}/answer": {
            "post": {
                "summary": "Grade an answer to a question of the bank",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": _body(["answer"], answer=_text("the answer")),
                "responses": _responses(
                    "verdict, feedback, read_as, read_as_latex, method, counterexample, reason, "
                    "derivation",
                    400,
                    404,
                    413,
                    503,
                ),
            }
        },
        "/api/entries": {
            "get": {
                "summary": "The catalogue: id, title, tags, section, statement, status",
                "responses": _responses("the entries", 503),
            }
        },
        "/api/entries/{id}": {
            "get": {
                "summary": "An entry's checked walkthrough (as derive show --json)",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": _responses("the walkthrough", 404, 503),
            }
        },
    },
}
