"""The HTTP API of ``derive serve`` (``derive/web``), through Starlette's TestClient: answers,
readings, the bank and the catalogue, and the requests that must fail (400, 404, 413) or come back
``invalid``/``unknown`` within the sandbox's limits."""

from __future__ import annotations

import json
import os
import signal

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from cli import main
from derive.web import MAX_BODY, create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(workers=2)) as c:
        yield c


def test_check_is_the_object_of_derive_check_json(client):
    body = {"expected": "(AB)^T", "answer": "A^TB^T", "assume": ""}
    got = client.post("/api/check", json=body)
    assert got.status_code == 200
    cli = CliRunner().invoke(main, ["check", "(AB)^T", "A^TB^T", "--json"])
    assert got.json() == json.loads(cli.output)
    assert got.json()["verdict"] == "not-equivalent"
    assert got.json()["counterexample"]["instance"]["A"]["latex"].startswith("\\begin{bmatrix}")


def test_check_equivalent_under_assumptions(client):
    body = {"expected": "(AB)^{-1}", "answer": "B^{-1}A^{-1}", "assume": "A, B invertible"}
    assert client.post("/api/check", json=body).json()["verdict"] == "equivalent"


def test_read_shows_the_reading_and_the_error_position(client):
    ok = client.post("/api/read", json={"answer": "$B^TA^T$."}).json()
    assert ok["ok"] and ok["read_as"]["latex"] == "B^{T}A^{T}"
    assert "the trailing '.' removed" in ok["read_as"]["changes"]
    bad = client.post("/api/read", json={"answer": "A^{-1"}).json()
    assert not bad["ok"] and bad["error"]["position"] == 3
    assert "never closed" in bad["error"]["reason"]
    clause = client.post("/api/read", json={"answer": "x", "assume": "A sym"}).json()
    assert clause["error"]["input"] == "assumptions"


def test_questions_and_an_answer_with_feedback(client):
    bank = client.get("/api/questions").json()
    ids = [q["id"] for q in bank["questions"]]
    assert "inverse-of-product" in ids
    assert all("expected" not in q for q in bank["questions"])  # the answer is not given away
    got = client.post(
        "/api/questions/inverse-of-product/answer", json={"answer": "A^{-1}B^{-1}"}
    ).json()
    assert got["verdict"] == "not-equivalent"
    assert got["feedback"].startswith("The order of the factors reverses")
    assert got["read_as_latex"] == "A^{-1}B^{-1}"
    right = client.post("/api/questions/inverse-of-product/answer", json={"answer": "B^{-1}A^{-1}"})
    assert right.json()["verdict"] == "equivalent"
    assert right.json()["derivation"] is None  # the expected answer as written: no step
    other = client.post(
        "/api/questions/trace-is-cyclic/answer", json={"answer": "\\operatorname{tr}(ABC)"}
    ).json()
    assert other["verdict"] == "equivalent"  # why it is right: a derivation the kernel checked
    assert other["derivation"][0] == {"expr": "\\operatorname{tr}(ABC)", "by": None}
    assert other["derivation"][-1] == {"expr": "\\operatorname{tr}(CAB)", "by": "trace-cyclic"}


def test_entries_and_a_walkthrough(client):
    entries = client.get("/api/entries").json()["entries"]
    assert any(e["id"] == "transpose-inverse" for e in entries)
    walk = client.get("/api/entries/transpose-inverse").json()
    assert walk["id"] == "transpose-inverse" and walk["status"] == "checked" and walk["steps"]
    page = client.get("/entries/transpose-inverse")
    assert page.status_code == 200 and "entry.js" in page.text


@pytest.mark.parametrize(
    "path",
    ["/api/questions/no-such-question/answer", "/api/entries/no-such-entry", "/entries/nope"],
)
def test_unknown_ids_are_404(client, path):
    if path.endswith("/answer"):
        got = client.post(path, json={"answer": "A"})
    else:
        got = client.get(path)
    assert got.status_code == 404
    if path.startswith("/api"):
        assert "no-such" in got.json()["error"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"{bad", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b"[" * 30_000 + b"]" * 30_000, "nests too deeply"),  # deep nesting, under the cap
        (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "not valid JSON"),
        (b'{"answer": "A"}', "'expected' is missing"),
        (b'{"expected": "A", "answer": 3}', "'answer' must be a string"),
        (b'{"expected": "A", "answer": {"a": 1}}', "'answer' must be a string"),
    ],
    ids=["syntax", "bytes", "list", "deep-list", "deep-object", "missing", "number", "object"],
)
def test_malformed_bodies_are_400(client, content, words):
    got = client.post("/api/check", content=content, headers={"Content-Type": "application/json"})
    assert got.status_code == 400
    assert words in got.json()["error"]


def test_huge_bodies_and_fields_are_413(client):
    huge = client.post("/api/check", content=b"x" * (MAX_BODY + 1))
    assert huge.status_code == 413
    field = client.post("/api/read", json={"answer": "A" * 5000})
    assert field.status_code == 413 and "'answer'" in field.json()["error"]

    def chunks():  # no Content-Length: the cap is counted while reading
        for _ in range(40):
            yield b"x" * 4096

    streamed = client.post("/api/check", content=chunks())
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    "answer",
    ["9^{9^{9^9}}", "A^{99999999999}", "(" * 500 + "A" + ")" * 500, "\\frac{" * 300, "x" * 1999],
    ids=["tower", "power", "parens", "fracs", "long"],
)
def test_hostile_answers_are_invalid_within_limits(client, answer):
    got = client.post("/api/check", json={"expected": "A", "answer": answer})
    assert got.status_code == 200
    assert got.json()["verdict"] in ("invalid", "not-equivalent", "unknown")
    assert client.get("/api/health").json()["ok"]


def test_a_worker_past_its_time_limit_is_replaced_and_the_server_answers():
    with TestClient(create_app(workers=1, timeout=0.001)) as c:
        got = c.post("/api/check", json={"expected": "(AB)^T", "answer": "B^TA^T"}).json()
        assert got["verdict"] == "unknown" and "time limit" in got["reason"]
        graded = c.post("/api/questions/inverse-of-product/answer", json={"answer": "A"}).json()
        assert graded["verdict"] == "unknown" and "time limit" in graded["feedback"]
        assert c.get("/api/health").json() == {"ok": True, "workers": 1}


def test_a_killed_worker_is_replaced(client):
    pool = client.app.state.pool
    os.kill(pool.worker_pids()[0], signal.SIGKILL)
    for _ in range(3):  # whichever worker a request gets, it is answered
        got = client.post("/api/check", json={"expected": "A", "answer": "A"}).json()
        assert got["verdict"] in ("equivalent", "unknown")
    assert client.post("/api/check", json={"expected": "A", "answer": "A"}).json()["verdict"] == (
        "equivalent"
    )


def test_the_page_and_its_assets_come_from_this_host(client):
    page = client.get("/")
    assert page.status_code == 200 and "practice.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")  # no other host
    for asset in (
        "katex/katex.min.js",
        "katex/katex.min.css",
        "katex/fonts/KaTeX_Main-Regular.woff2",
    ):
        assert client.get(f"/static/{asset}").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/check"]["post"]


def test_serve_stops_on_a_broken_bank(tmp_path):
    bank = tmp_path / "bank.toml"
    bank.write_text("[[question]]\nid = 'q'\nprompt = 'p'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--questions", str(bank)])
    assert result.exit_code == 1
    assert f"{bank}, line 2" in result.output and "expected answer is missing" in result.output
