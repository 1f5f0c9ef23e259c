"""The HTTP model server and its client: batching, overload, validation, auth, errors.

Every test starts a real server on an ephemeral loopback port and talks real HTTP.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from model_echo_server import EchoHandler, echo_validate, raw_request, serving
from model_toy_codec import EXAMPLES
from waiting import SAFETY_S, until

from lagrangian.model.client import (
    ModelClient,
    ServerRejected,
    ServerTimeout,
    ServerUnavailable,
)
from lagrangian.model.codec import join_tokens
from lagrangian.model.generate import GenerationSettings
from lagrangian.model.model_server import ModelServer, Route, ServerSettings, tokens_route

SOURCES = [join_tokens(example.src) for example in EXAMPLES]


def test_concurrent_requests_are_batched() -> None:
    handler = EchoHandler(delay_s=0.02)
    with serving(handler, max_batch=8, max_wait_ms=20) as server:
        client = ModelClient(server.url, retries=0)
        with ThreadPoolExecutor(max_workers=24) as pool:
            answers = list(
                pool.map(lambda x: client.request("POST", "/v1/echo", {"x": x}), range(100, 196))
            )
        health = client.health()
    assert answers == [{"y": 2 * x} for x in range(100, 196)]
    assert health["requests_served"] == 96
    assert health["batches_served"] == len(handler.sizes) < 96
    assert 1 < health["largest_batch"] <= 8
    assert sum(int(size) * count for size, count in health["batch_sizes"].items()) == 96
    assert health["model"] == {"name": "echo"} and health["queue_depth"] == 0


def test_a_burst_of_clients_is_not_refused() -> None:
    """More simultaneous connections than the stdlib's default listen backlog (5)."""
    with serving(EchoHandler(), max_batch=16, max_wait_ms=10) as server:
        client = ModelClient(server.url, retries=0)
        with ThreadPoolExecutor(max_workers=150) as pool:
            answers = list(
                pool.map(lambda x: client.request("POST", "/v1/echo", {"x": x}), range(20, 620))
            )
    assert answers == [{"y": 2 * x} for x in range(20, 620)]


def test_batching_off_serves_one_at_a_time() -> None:
    handler = EchoHandler()
    with serving(handler, max_batch=1, max_wait_ms=0) as server:
        client = ModelClient(server.url, retries=0)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda x: client.request("POST", "/v1/echo", {"x": x}), range(20, 36)))
    assert handler.sizes == [1] * 16


def test_overload_gives_503_and_the_client_retries() -> None:
    handler = EchoHandler()
    handler.gate.clear()  # the first request blocks the batcher
    with serving(handler, max_batch=1, queue_size=2) as server:
        no_retry = ModelClient(server.url, retries=0)
        with ThreadPoolExecutor(max_workers=4) as pool:
            first = pool.submit(no_retry.request, "POST", "/v1/echo", {"x": 0})
            assert handler.entered.wait(SAFETY_S)
            queued = [pool.submit(no_retry.request, "POST", "/v1/echo", {"x": x}) for x in (1, 2)]
            deadline = time.monotonic() + 10
            while no_retry.health()["queue_depth"] < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            status, body, response = raw_request(
                server, "POST", "/v1/echo", b'{"x": 3}', {"Content-Length": "8"}
            )
            assert status == 503 and response.getheader("Retry-After") == "1"
            assert "overloaded" in body["error"]["message"]
            with pytest.raises(ServerUnavailable, match="503") as failure:
                no_retry.request("POST", "/v1/echo", {"x": 4})
            assert failure.value.status == 503

            patient = ModelClient(server.url, retries=8, backoff_s=0.05, max_backoff_s=0.2)
            retried = pool.submit(patient.request, "POST", "/v1/echo", {"x": 5})
            until(  # the patient client was turned away at least once before the queue frees
                lambda: no_retry.health()["requests_rejected_overload"] >= 3,
                "a 503 for the patient client",
            )
            handler.gate.set()
            assert retried.result(timeout=SAFETY_S) == {"y": 10}
            assert first.result(timeout=SAFETY_S) == {"y": 0}
            assert [f.result(timeout=SAFETY_S) for f in queued] == [{"y": 2}, {"y": 4}]
        assert no_retry.health()["requests_rejected_overload"] >= 2


def test_bad_requests_get_clear_errors() -> None:
    with serving(EchoHandler(), max_body_bytes=100) as server:
        status, body, _ = raw_request(
            server, "POST", "/v1/echo", b'{"x": ', {"Content-Length": "6"}
        )
        assert status == 422
        assert body["error"]["message"].startswith("request body is not valid JSON")
        status, body, _ = raw_request(server, "POST", "/v1/echo", b'{"x": "a"}')
        assert (status, body["error"]["message"]) == (422, "'x' must be an integer")
        status, body, _ = raw_request(server, "POST", "/v1/echo", b"\xff\xfe")
        assert (status, body["error"]["message"]) == (422, "request body is not UTF-8 text")
        status, body, _ = raw_request(server, "POST", "/v1/echo", b"[" * 200)
        assert status == 413 and "exceeds the limit of 100 bytes" in body["error"]["message"]
        status, body, _ = raw_request(server, "POST", "/v1/echo", None)
        assert status == 411
        status, _, _ = raw_request(server, "POST", "/v1/nothing", b"{}")
        assert status == 404
        status, _, response = raw_request(server, "GET", "/v1/echo")
        assert status == 405 and response.getheader("Allow") == "POST"

        client = ModelClient(server.url, retries=0)
        with pytest.raises(ServerRejected, match="x must not be 13") as rejected:
            client.request("POST", "/v1/echo", {"x": 13})  # a per-item error from the handler
        assert rejected.value.status == 422
        assert client.request("POST", "/v1/echo", {"x": 1}) == {"y": 2}


def test_bearer_token() -> None:
    with serving(EchoHandler(), token="s3cret") as server:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            status, body, response = raw_request(server, "GET", "/v1/health", headers=headers)
            assert status == 401 and response.getheader("WWW-Authenticate") == "Bearer"
            assert "bearer token" in body["error"]["message"]
        with pytest.raises(ServerRejected, match="missing bearer token"):
            ModelClient(server.url, retries=0).request("POST", "/v1/echo", {"x": 1})
        client = ModelClient(server.url, token="s3cret", retries=0)
        assert client.request("POST", "/v1/echo", {"x": 1}) == {"y": 2}
        assert client.health()["status"] == "ok"


def test_handler_failure_is_a_500_and_the_server_survives() -> None:
    calls: list[int] = []

    def flaky(payloads: list[int]) -> list[Any]:
        calls.append(len(payloads))
        if len(calls) == 1:
            raise RuntimeError("model exploded")
        return [{"y": x} for x in payloads]

    with serving(flaky) as server:
        client = ModelClient(server.url, retries=0)
        with pytest.raises(ServerUnavailable, match="model exploded") as failure:
            client.request("POST", "/v1/echo", {"x": 1})
        assert failure.value.status == 500
        assert client.request("POST", "/v1/echo", {"x": 2}) == {"y": 2}
        assert client.health()["requests_failed"] == 1


def test_client_timeouts_and_connection_errors() -> None:
    handler = EchoHandler()
    handler.gate.clear()
    with serving(handler) as server:
        slow = ModelClient(server.url, timeout_s=0.3, retries=3)
        with pytest.raises(ServerTimeout, match=r"no answer within 0\.3 s"):
            slow.request("POST", "/v1/echo", {"x": 1})
        # Timeouts are not retried: the one request is in the (held) handler, none queued.
        assert handler.entered.wait(SAFETY_S)
        assert server.health()["queue_depth"] == 0
        handler.gate.set()
        url = server.url
    with pytest.raises(ServerUnavailable, match="after 3 attempt"):
        ModelClient(url, retries=2, backoff_s=0.01).health()
    with pytest.raises(ValueError, match="must look like http://host:port"):
        ModelClient("localhost:8765")


def test_closing_answers_queued_requests() -> None:
    handler = EchoHandler()
    handler.gate.clear()
    server = ModelServer(
        [Route("/v1/echo", echo_validate, handler)], ServerSettings(port=0, max_batch=1)
    ).start()
    client = ModelClient(server.url, retries=0)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(client.request, "POST", "/v1/echo", {"x": x}) for x in range(3)]
        assert handler.entered.wait(SAFETY_S)
        until(lambda: server.health()["queue_depth"] >= 2, "two queued requests")
        closer = threading.Thread(target=server.close)
        closer.start()
        until(lambda: server.health()["status"] == "shutting_down", "the server closing")
        handler.gate.set()
        closer.join(timeout=SAFETY_S)
        outcomes = []
        for future in futures:
            try:
                outcomes.append(future.result(timeout=SAFETY_S))
            except ServerUnavailable as error:
                outcomes.append(error.status)
    answered = [outcome for outcome in outcomes if outcome != 503]
    assert outcomes.count(503) == 2  # the two queued requests
    assert len(answered) == 1 and answered[0] in ({"y": 0}, {"y": 2}, {"y": 4})  # in flight


def test_generate_tokens_with_a_real_model(loaded_random) -> None:
    route = tokens_route(loaded_random, GenerationSettings(num_beams=2, max_new_tokens=6))
    settings = ServerSettings(port=0, max_batch=8, max_wait_ms=30)
    with ModelServer([route], settings, info=loaded_random.describe) as server:
        client = ModelClient(server.url, retries=0)
        health = client.health()
        assert health["model"]["preset"] == "tiny" and health["device"] == "cpu"
        assert health["routes"] == ["/v1/generate_tokens"]

        def ask(index: int) -> list[list[dict[str, Any]]]:
            sources = [SOURCES[index % len(SOURCES)], SOURCES[(index + 1) % len(SOURCES)]]
            return client.generate_tokens(sources, num_return_sequences=2)

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(ask, range(12)))
        expected = client.generate_tokens(SOURCES, num_return_sequences=2)
        for index, answer in enumerate(answers):
            assert len(answer) == 2 and all(len(hypotheses) == 2 for hypotheses in answer)
            first, second = index % len(SOURCES), (index + 1) % len(SOURCES)
            assert [h["tgt"] for h in answer[0]] == [h["tgt"] for h in expected[first]]
            assert [h["tgt"] for h in answer[1]] == [h["tgt"] for h in expected[second]]
            assert all(isinstance(h["score"], float) for h in answer[0])
        health = client.health()
        assert health["requests_served"] == 13
        assert health["batches_served"] < 13

        for body, message in [
            ({"src": "FIELD"}, "'src' must be a non-empty list"),
            (
                {"src": ["FIELD SU9"]},
                r"'src': sequence 1: token 2 \('SU9'\) is not in the vocabulary",
            ),
            ({"src": ["FIELD"], "num_beams": 0}, r"'num_beams' must be an integer in \[1, 16\]"),
            ({"src": ["FIELD"], "num_return_sequences": 3}, "cannot exceed num_beams"),
            ({"src": ["FIELD"], "beams": 2}, "unknown field"),
            ({"src": [7]}, r"'src\[0\]' must be a string"),
            ([], "must be a JSON object"),
        ]:
            with pytest.raises(ServerRejected, match=message):
                client.request("POST", "/v1/generate_tokens", body)
