"""HTTP JSON model server with dynamic batching (``lagrangian model-server``).

Why stdlib ``http.server`` with threads rather than asyncio streams or aiohttp: no new
dependency; HTTP parsing stays in well-worn stdlib code instead of a hand-written parser;
the model call blocks (torch) and needs a worker thread in any design; and one thread per
connection costs nothing next to a model forward pass at the loads one GPU can serve.

Requests flow: a connection thread authenticates, size-checks, parses and validates the
body (route's validator), then puts a job on a bounded queue (full -> 503 at once) and
waits.  One batcher thread takes a job, keeps collecting until ``max_batch`` jobs or
``max_wait_ms`` have passed, and hands each route's jobs to that route's
:data:`BatchHandler` in one call: concurrent requests share one batched model call, and
the model is only ever used from that one thread.

Routes are pluggable: a :class:`Route` is a path, a validator and a batch handler.  This
module provides ``POST /v1/generate_tokens`` (raw seq2seq on token strings); the
physics-aware ``/v1/generate`` and ``/v1/complete`` plug in the same way.

Errors are JSON ``{"error": {"status": N, "message": "..."}}``: 401 missing or wrong
bearer token, 404 unknown path, 405 wrong method, 411 no Content-Length, 413 body too
large, 422 malformed JSON or invalid request (the message names the field), 500 handler
failure, 503 queue full or shutting down, 504 no answer in time.
"""

from __future__ import annotations

import hmac
import json
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lagrangian.model.checkpoint import LoadedModel
from lagrangian.model.codec import TokenError, split_tokens
from lagrangian.model.generate import GenerationSettings, generate

LOGGER = logging.getLogger("lagrangian.model_server")

Validator = Callable[[Any], Any]
"""Turns a parsed JSON body into the payload the handler gets; raises RequestError (422)."""

BatchHandler = Callable[[list[Any]], list[Any]]
"""Answers a batch of validated payloads with one JSON-able response (or RequestError) each."""


class RequestError(Exception):
    """A request the server answers with ``status`` and a JSON error ``message``."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Route:
    """A POST endpoint: its path, how to validate a body, and how to answer a batch."""

    path: str
    validate: Validator
    handle: BatchHandler


@dataclass(frozen=True)
class ServerSettings:
    """Network, batching and limit settings (defaults: loopback, batching on)."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    max_batch: int = 16
    max_wait_ms: float = 5.0
    queue_size: int = 256
    max_body_bytes: int = 1 << 20
    request_timeout_s: float = 300.0
    socket_timeout_s: float = 30.0

    def check(self) -> None:
        """Raise ``ValueError`` naming the first setting out of range."""
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range 0-65535")
        if self.max_batch < 1:
            raise ValueError("max batch must be at least 1")
        if self.max_wait_ms < 0:
            raise ValueError("max wait must not be negative")
        if self.queue_size < 1:
            raise ValueError("queue size must be at least 1")
        if self.max_body_bytes < 2:
            raise ValueError("max body bytes must be at least 2")
        if self.token is not None and not self.token.strip():
            raise ValueError("the bearer token is empty")


@dataclass
class _Job:
    route: Route
    payload: Any
    done: threading.Event = field(default_factory=threading.Event)
    status: int = 200
    response: Any = None


class _Stats:
    """Counters reported by ``/v1/health``; updated under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.batches = 0
        self.requests = 0
        self.rejected = 0
        self.failed = 0
        self.batch_sizes: Counter[int] = Counter()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "batches_served": self.batches,
                "requests_served": self.requests,
                "requests_rejected_overload": self.rejected,
                "requests_failed": self.failed,
                "largest_batch": max(self.batch_sizes, default=0),
                "batch_sizes": {str(k): v for k, v in sorted(self.batch_sizes.items())},
            }


class ModelServer:
    """The HTTP server, its bounded queue and its batcher thread.

    Use ``start()`` (background threads, for tests and embedding) or ``serve_forever()``
    (blocks; the CLI), then ``close()``; or ``with ModelServer(...) as server:``.
    """

    def __init__(
        self,
        routes: Sequence[Route],
        settings: ServerSettings | None = None,
        info: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.settings = settings or ServerSettings()
        self.settings.check()
        self.routes = {route.path: route for route in routes}
        self.info = info or dict
        self.stats = _Stats()
        self.started = time.time()
        self._queue: queue.Queue[_Job] = queue.Queue(maxsize=self.settings.queue_size)
        self._closing = threading.Event()
        self._submit_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._httpd = _HTTPServer((self.settings.host, self.settings.port), _handler_class(self))

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.settings.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def _start_batcher(self) -> None:
        thread = threading.Thread(target=self._batch_loop, name="model-batcher", daemon=True)
        thread.start()
        self._threads.append(thread)

    def start(self) -> ModelServer:
        """Serve in background threads and return at once."""
        self._start_batcher()
        thread = threading.Thread(target=self._httpd.serve_forever, name="model-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until ``close()`` (from another thread) or Ctrl-C."""
        self._start_batcher()
        try:
            self._httpd.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        """Stop accepting, finish the batch in flight, answer queued requests with 503."""
        with self._submit_lock:
            if self._closing.is_set():
                return
            self._closing.set()
        if threading.current_thread() not in self._threads:
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=30)
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            _finish(job, 503, _error_body(503, "the model server is shutting down"))

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def health(self) -> dict[str, Any]:
        """The ``/v1/health`` body: model info plus queue and batching counters."""
        settings = self.settings
        model = self.info()
        return {
            "status": "shutting_down" if self._closing.is_set() else "ok",
            "model": model,
            "device": model.get("device"),
            "routes": sorted(self.routes),
            "queue_depth": self._queue.qsize(),
            "queue_size": settings.queue_size,
            "max_batch": settings.max_batch,
            "max_wait_ms": settings.max_wait_ms,
            "uptime_s": round(time.time() - self.started, 3),
            **self.stats.snapshot(),
        }

    # -- submission and batching ---------------------------------------------------------

    def submit(self, route: Route, payload: Any) -> _Job:
        """Queue a validated payload; raise :class:`RequestError` 503 when full or closing."""
        job = _Job(route, payload)
        with self._submit_lock:  # no job enters the queue once close() has begun
            if self._closing.is_set():
                raise RequestError("the model server is shutting down", 503)
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                with self.stats.lock:
                    self.stats.rejected += 1
                raise RequestError(
                    f"the model server is overloaded: {self.settings.queue_size} requests "
                    "are already waiting; retry later",
                    503,
                ) from None
        return job

    def _collect(self, first: _Job) -> list[_Job]:
        """``first`` plus whatever arrives within ``max_wait_ms``, up to ``max_batch``."""
        batch = [first]
        deadline = time.monotonic() + self.settings.max_wait_ms / 1000
        while len(batch) < self.settings.max_batch:
            remaining = deadline - time.monotonic()
            try:
                job = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            batch.append(job)
        return batch

    def _batch_loop(self) -> None:
        while not self._closing.is_set():
            try:
                job = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self._run(self._collect(job))

    def _run(self, batch: list[_Job]) -> None:
        groups: dict[str, list[_Job]] = {}
        for job in batch:
            groups.setdefault(job.route.path, []).append(job)
        for jobs in groups.values():
            route = jobs[0].route
            try:
                answers = route.handle([job.payload for job in jobs])
                if len(answers) != len(jobs):
                    raise RuntimeError(f"handler answered {len(answers)} of {len(jobs)} requests")
            except Exception as error:
                LOGGER.exception("batch handler for %s failed", route.path)
                with self.stats.lock:
                    self.stats.failed += len(jobs)
                message = f"internal error in {route.path}: {type(error).__name__}: {error}"
                for job in jobs:
                    _finish(job, 500, _error_body(500, message))
                continue
            with self.stats.lock:
                self.stats.batches += 1
                self.stats.requests += len(jobs)
                self.stats.batch_sizes[len(jobs)] += 1
            for job, answer in zip(jobs, answers, strict=True):
                if isinstance(answer, RequestError):
                    _finish(job, answer.status, _error_body(answer.status, answer.message))
                else:
                    _finish(job, 200, answer)


class _HTTPServer(ThreadingHTTPServer):
    """Thread per connection, with a listen backlog for bursts of concurrent clients.

    The stdlib default backlog of 5 makes the kernel refuse connections as soon as a few
    dozen clients connect at once, before the bounded queue can answer them with 503.
    """

    daemon_threads = True
    request_queue_size = 1024


def _finish(job: _Job, status: int, response: Any) -> None:
    job.status, job.response = status, response
    job.done.set()


def _error_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


def _handler_class(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    """The request handler bound to ``server`` (http.server wants a class)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = server.settings.socket_timeout_s
        server_version = "lagrangian-model-server"

        def log_message(self, format: str, *args: Any) -> None:
            LOGGER.debug("%s - %s", self.address_string(), format % args)

        def _send(self, status: int, body: Any, close: bool = False, **headers: str) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def _fail(self, status: int, message: str, close: bool = False, **headers: str) -> None:
            self._send(status, _error_body(status, message), close=close, **headers)

        def _authorized(self) -> bool:
            token = server.settings.token
            if token is None:
                return True
            given = self.headers.get("Authorization", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(
                value.strip().encode(), token.encode()
            ):
                return True
            reason = "missing" if not given else "invalid"
            self._fail(
                401,
                f"{reason} bearer token (send 'Authorization: Bearer <token>')",
                close=True,
                WWW_Authenticate="Bearer",
            )
            return False

        def do_GET(self) -> None:
            if not self._authorized():
                return
            if self.path == "/v1/health":
                self._send(200, server.health())
            elif self.path in server.routes:
                self._fail(405, f"{self.path} takes POST", Allow="POST")
            else:
                self._fail(404, f"no such endpoint: {self.path}")

        def _read_body(self) -> bytes | None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self._fail(411, "send the body with a Content-Length, not chunked", close=True)
                return None
            length_header = self.headers.get("Content-Length")
            if length_header is None:
                self._fail(411, "a Content-Length header is required", close=True)
                return None
            try:
                length = int(length_header)
                if length < 0:
                    raise ValueError
            except ValueError:
                self._fail(400, f"bad Content-Length {length_header!r}", close=True)
                return None
            limit = server.settings.max_body_bytes
            if length > limit:
                self._fail(
                    413,
                    f"request body of {length} bytes exceeds the limit of {limit} bytes",
                    close=True,
                )
                return None
            return self.rfile.read(length)

        def do_POST(self) -> None:
            if not self._authorized():
                return
            route = server.routes.get(self.path)
            if route is None:
                status, message = (
                    (405, f"{self.path} takes GET")
                    if self.path == "/v1/health"
                    else (404, f"no such endpoint: {self.path}")
                )
                self._fail(status, message, close=True)
                return
            raw = self._read_body()
            if raw is None:
                return
            try:
                body = json.loads(raw.decode("utf-8"))
                payload = route.validate(body)
                job = server.submit(route, payload)
            except UnicodeDecodeError:
                self._fail(422, "request body is not UTF-8 text")
                return
            except json.JSONDecodeError as error:
                self._fail(
                    422,
                    f"request body is not valid JSON: {error.msg} "
                    f"(line {error.lineno}, column {error.colno})",
                )
                return
            except RequestError as error:
                headers = {"Retry_After": "1"} if error.status == 503 else {}
                self._fail(error.status, error.message, **headers)
                return
            if not job.done.wait(server.settings.request_timeout_s):
                self._fail(504, f"no answer within {server.settings.request_timeout_s:g} s")
                return
            headers = {"Retry_After": "1"} if job.status == 503 else {}
            self._send(job.status, job.response, **headers)

    return Handler


# -- the raw token route ------------------------------------------------------------------

# Per-request generation options and their bounds; anything else in a body is an error.
_INT_OPTIONS = {"num_beams": (1, 16), "num_return_sequences": (1, 16), "top_k": (0, 1000)}
_FLOAT_OPTIONS = {"temperature": (1e-3, 100.0), "top_p": (1e-6, 1.0)}


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise RequestError(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def tokens_validator(
    loaded: LoadedModel, defaults: GenerationSettings, max_sources: int = 64
) -> Validator:
    """Validate ``{"src": [token strings], <options>}`` into ``(settings, token lists)``.

    Options: ``num_beams``, ``num_return_sequences``, ``max_new_tokens``, ``do_sample``,
    ``temperature``, ``top_k``, ``top_p``, ``seed``; every problem is a 422 naming the field.
    """
    limit = loaded.max_positions

    def validate(body: Any) -> tuple[GenerationSettings, list[list[str]]]:
        _expect(isinstance(body, dict), "the request body must be a JSON object")
        unknown = sorted(
            set(body)
            - {"src", "max_new_tokens", "do_sample", "seed", *_INT_OPTIONS, *_FLOAT_OPTIONS}
        )
        _expect(not unknown, f"unknown field(s): {', '.join(unknown)}")
        src = body.get("src")
        _expect(
            isinstance(src, list) and bool(src), "'src' must be a non-empty list of token strings"
        )
        _expect(
            len(src) <= max_sources,
            f"'src' has {len(src)} sequences; at most {max_sources} per request",
        )
        options: dict[str, Any] = {}
        for name, (low, high) in _INT_OPTIONS.items():
            if name in body:
                value = body[name]
                _expect(
                    _is_int(value) and low <= value <= high,
                    f"'{name}' must be an integer in [{low}, {high}]",
                )
                options[name] = value
        for name, (low, high) in _FLOAT_OPTIONS.items():
            if name in body:
                value = body[name]
                _expect(
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and low <= value <= high,
                    f"'{name}' must be a number in [{low:g}, {high:g}]",
                )
                options[name] = float(value)
        if "max_new_tokens" in body:
            value = body["max_new_tokens"]
            _expect(
                _is_int(value) and 1 <= value < limit,
                f"'max_new_tokens' must be an integer in [1, {limit - 1}]",
            )
            options["max_new_tokens"] = value
        if "do_sample" in body:
            _expect(isinstance(body["do_sample"], bool), "'do_sample' must be true or false")
            options["do_sample"] = body["do_sample"]
        if "seed" in body:
            _expect(_is_int(body["seed"]), "'seed' must be an integer")
            options["seed"] = body["seed"]
        settings = replace(defaults, **options)
        try:
            settings.check()
        except ValueError as error:
            raise RequestError(str(error)) from None
        sequences = []
        for index, text in enumerate(src):
            _expect(
                isinstance(text, str), f"'src[{index}]' must be a string of space-separated tokens"
            )
            sequences.append(split_tokens(text))
        try:
            loaded.tokenizer.encode_many(sequences, max_length=limit)
        except TokenError as error:
            raise RequestError(f"'src': {error}") from None
        return settings, sequences

    return validate


def tokens_handler(loaded: LoadedModel) -> BatchHandler:
    """Answer validated token requests, one :func:`generate` call per distinct setting.

    Requests that share settings (the usual case) are decoded together, so N concurrent
    requests cost one batched model call.
    """

    def handle(payloads: list[tuple[GenerationSettings, list[list[str]]]]) -> list[Any]:
        answers: list[Any] = [None] * len(payloads)
        by_settings: dict[GenerationSettings, list[int]] = {}
        for index, (settings, _) in enumerate(payloads):
            by_settings.setdefault(settings, []).append(index)
        for settings, indices in by_settings.items():
            sources = [seq for i in indices for seq in payloads[i][1]]
            results = generate(loaded, sources, settings)
            position = 0
            for i in indices:
                count = len(payloads[i][1])
                answers[i] = {
                    "results": [
                        {"hypotheses": [h.to_json() for h in hypotheses]}
                        for hypotheses in results[position : position + count]
                    ]
                }
                position += count
        return answers

    return handle


def tokens_route(loaded: LoadedModel, defaults: GenerationSettings | None = None) -> Route:
    """``POST /v1/generate_tokens``: raw seq2seq generation on token strings."""
    defaults = defaults or GenerationSettings()
    return Route("/v1/generate_tokens", tokens_validator(loaded, defaults), tokens_handler(loaded))
