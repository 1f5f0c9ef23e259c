"""HTTP JSON model server with dynamic batching (``lagrangian model-server``).

Why stdlib ``http.server`` with threads rather than asyncio streams or aiohttp: no new
dependency; HTTP parsing stays in well-worn stdlib code instead of a hand-written parser;
the model call blocks (torch) and needs a worker thread in any design; and one thread per
connection costs nothing next to a model forward pass at the loads one GPU can serve.

Threads are bounded so that connections cannot be turned against the machine: at most
``max_connections`` are served at once and the accepting thread answers any further one
with a 503 and closes it without starting a thread; every request must arrive, headers
and body, within ``read_deadline_s`` of the connection being ready for it (one deadline
for the whole request, not a timeout per read, so a client sending a byte now and then
cannot hold a thread), and the headers are read under that deadline before the token is
checked.

Requests flow: a connection thread authenticates, size-checks, parses and validates the
body (route's validator), then puts a job on a bounded queue (full -> 503 at once) and
waits; a request that gets no answer within ``request_timeout_s`` is taken off the queue
(or, when already in the model, its answer dropped) and answered 504.  One batcher
thread takes a job, keeps collecting until ``max_batch`` jobs or ``max_wait_ms`` have
passed, and hands each route's jobs to that route's :data:`BatchHandler` in one call:
concurrent requests share one batched model call, and the model is only ever used from
that one thread.

Routes are pluggable: a :class:`Route` is a path, a validator and a batch handler.  This
module provides ``POST /v1/generate_tokens`` (raw seq2seq on token strings); the
physics-aware ``/v1/generate`` and ``/v1/complete`` plug in the same way.

Errors are JSON ``{"error": {"status": N, "message": "..."}}``: 401 missing or wrong
bearer token, 403 a Host header that does not name loopback on a loopback server (DNS
rebinding), 404 unknown path, 405 wrong method, 408 body not received by the deadline,
411 no Content-Length, 413 body too large, 415 a body not sent as ``application/json``
(a web page cannot send that without a CORS preflight), 422 malformed JSON or invalid
request (the message names the field), 500 handler failure, 503 too many connections, queue full or
shutting down, 504 no answer in time.  Headers not received by the deadline close the
connection without an answer.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import json
import logging
import queue
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from lagrangian.model.addresses import is_loopback
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
    """Network, batching and limit settings (defaults: loopback, batching on).

    The port is not the playground's 8765, so both run side by side with their defaults.
    ``max_connections`` (one thread each) leaves room for a full queue plus a batch in the
    model plus health checks; ``read_deadline_s`` gives a 1 MiB body 100 KB/s, far below
    any network a GPU server sits on, and is also the time an answer has to be taken.
    """

    host: str = "127.0.0.1"
    port: int = 8766
    token: str | None = None
    max_batch: int = 16
    max_wait_ms: float = 5.0
    queue_size: int = 256
    max_body_bytes: int = 1 << 20
    max_connections: int = 300
    read_deadline_s: float = 10.0
    request_timeout_s: float = 300.0

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
        if self.max_connections < 1:
            raise ValueError("max connections must be at least 1")
        if not self.read_deadline_s > 0:
            raise ValueError("the read deadline must be positive")
        if not self.request_timeout_s > 0:
            raise ValueError("the request timeout must be positive")
        if self.token is not None and not self.token.strip():
            raise ValueError("the bearer token is empty")


@dataclass(eq=False)  # identity: two jobs with equal payloads are still two requests
class _Job:
    route: Route
    payload: Any
    done: threading.Event = field(default_factory=threading.Event)
    status: int = 200
    response: Any = None
    abandoned: bool = False  # its client was answered 504; set and read under the stats lock


class _JobQueue(queue.Queue[_Job]):
    """The bounded queue, plus taking out a job whose client stopped waiting.

    Without ``discard`` a request answered 504 would keep its place, be run later and
    count as served, and a burst of timeouts would fill the queue with work nobody wants.
    """

    def discard(self, job: _Job) -> None:
        with self.not_full:  # the queue's own mutex
            if job in self.queue:
                self.queue.remove(job)
                self.not_full.notify()


class _Stats:
    """Counters reported by ``/v1/health``; updated under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.batches = 0
        self.requests = 0
        self.rejected = 0
        self.failed = 0
        self.timed_out = 0
        self.batch_sizes: Counter[int] = Counter()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "batches_served": self.batches,
                "requests_served": self.requests,
                "requests_rejected_overload": self.rejected,
                "requests_failed": self.failed,
                "requests_timed_out": self.timed_out,
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
        self._queue = _JobQueue(maxsize=self.settings.queue_size)
        self._closing = threading.Event()
        self._submit_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._httpd = _HTTPServer(self)

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

    def stop_serving(self) -> None:
        """Make ``serve_forever`` return (from another thread; it then closes the server)."""
        self._httpd.shutdown()

    def serve_forever(self) -> None:
        """Serve in this thread until ``stop_serving()`` or ``close()`` from another thread."""
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
        queued: list[_Job] = []
        while True:
            try:
                queued.append(self._queue.get_nowait())
            except queue.Empty:
                break
        closing = RequestError("the model server is shutting down", 503)
        with self.stats.lock:
            _finish_all(queued, [closing] * len(queued))

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

    def wait(self, job: _Job) -> tuple[int, Any]:
        """The status and body to send for ``job``: its answer, or 504 after the timeout.

        A job that times out is taken off the queue, or, when the model already has it,
        marked so that its answer is dropped: either way it never counts as served.
        """
        timeout = self.settings.request_timeout_s
        job.done.wait(timeout)
        with self.stats.lock:  # the batcher finishes jobs under this lock too
            if job.done.is_set():
                return job.status, job.response
            job.abandoned = True
            self.stats.timed_out += 1
        self._queue.discard(job)
        return 504, _error_body(504, f"no answer within {timeout:g} s")

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
            if not job.abandoned:  # taken between the timeout and the discard
                groups.setdefault(job.route.path, []).append(job)
        for jobs in groups.values():
            route = jobs[0].route
            try:
                answers = route.handle([job.payload for job in jobs])
                if len(answers) != len(jobs):
                    raise RuntimeError(f"handler answered {len(answers)} of {len(jobs)} requests")
            except Exception as error:
                LOGGER.exception("batch handler for %s failed", route.path)
                message = f"internal error in {route.path}: {type(error).__name__}: {error}"
                with self.stats.lock:
                    self.stats.failed += _finish_all(jobs, [RequestError(message, 500)] * len(jobs))
                continue
            with self.stats.lock:
                self.stats.batches += 1
                self.stats.requests += _finish_all(jobs, answers)
                self.stats.batch_sizes[len(jobs)] += 1


def _finish_all(jobs: list[_Job], answers: Sequence[Any]) -> int:
    """Give each job its answer; return how many jobs still wanted one.

    Called under the stats lock, so that :meth:`ModelServer.wait` sees a job either
    finished and counted or abandoned and not counted.
    """
    delivered = 0
    for job, answer in zip(jobs, answers, strict=True):
        if job.abandoned:
            continue
        if isinstance(answer, RequestError):
            job.status, job.response = answer.status, _error_body(answer.status, answer.message)
        else:
            job.status, job.response = 200, answer
        job.done.set()
        delivered += 1
    return delivered


def _error_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}


class _HTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` of them.

    A connection beyond the limit is answered 503 and closed by the accepting thread
    itself, so a flood costs a socket for a moment rather than a thread for as long as the
    flooder likes.  The listen backlog is large because the stdlib default of 5 makes the
    kernel refuse connections as soon as a few dozen clients connect at once, before they
    can be answered at all.
    """

    daemon_threads = True
    # Handler threads are daemons whose requests all end by the read deadline; closing the
    # server must not wait on a client that keeps its connection open.
    block_on_close = False
    request_queue_size = 1024

    def __init__(self, model_server: ModelServer) -> None:
        self.model_server = model_server
        settings = model_server.settings
        self._slots = threading.BoundedSemaphore(settings.max_connections)
        refusal = _error_body(
            503,
            f"the model server is at its limit of {settings.max_connections} connections; "
            "retry later",
        )
        self._refusal = _response_bytes(503, refusal, {"Retry-After": "1"}, close=True)
        super().__init__((settings.host, settings.port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()  # no thread started: nothing else will give the slot back
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 without blocking the accepting thread, then close.

        Whatever the client already sent is read first: closing a socket with unread
        data resets the connection, and the client might then lose the answer.
        """
        request.setblocking(False)
        try:
            request.send(self._refusal)
            while request.recv(65536):
                pass
        except OSError:  # nothing more to read (BlockingIOError), or the client left
            pass
        self.shutdown_request(request)


class _DeadlineReader(io.RawIOBase):
    """Socket reads that share one deadline, restarted for each request.

    The socket's timeout is set to the time left before every read, so a request as a
    whole, however it is dribbled, gets at most ``seconds``.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        super().__init__()
        self._sock = sock
        self._seconds = seconds
        self._deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self._deadline = time.monotonic() + self._seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining > 0:
            self._sock.settimeout(remaining)
            with contextlib.suppress(TimeoutError):
                return self._sock.recv_into(buffer)
        raise TimeoutError(f"request not received within {self._seconds:g} s")


def _response_bytes(status: int, body: Any, headers: dict[str, str], close: bool = False) -> bytes:
    """A complete JSON response, for the one written before any handler exists."""
    data = json.dumps(body).encode("utf-8")
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


class _Handler(BaseHTTPRequestHandler):
    """One connection's requests: read under the deadline, authenticate, route, answer."""

    protocol_version = "HTTP/1.1"
    server_version = "lagrangian-model-server"

    @property
    def model_server(self) -> ModelServer:
        return cast(_HTTPServer, self.server).model_server

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the stdlib's reader, replaced by one that keeps the deadline
        self._reader = _DeadlineReader(self.connection, self.model_server.settings.read_deadline_s)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """Restart the deadline: a request, or the idle time before it, gets the full span."""
        self._reader.restart()
        super().handle_one_request()

    def log_message(self, format: str, *args: Any) -> None:
        LOGGER.debug("%s - %s", self.address_string(), format % args)

    def _send(self, status: int, body: Any, close: bool = False, **headers: str) -> None:
        # An answer gets the same span to be taken as a request has to arrive.
        self.connection.settimeout(self.model_server.settings.read_deadline_s)
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
        token = self.model_server.settings.token
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

    def _from_a_name_of_ours(self) -> bool:
        """On loopback, the Host must name loopback: another name is DNS rebinding.

        A page on ``http://evil.example`` whose name the attacker points at 127.0.0.1
        would otherwise reach this server as if same-origin and read its answers.
        """
        if not is_loopback(self.model_server.settings.host):
            return True
        name = self.headers.get("Host", "").strip()
        name = name.rsplit("]", 1)[0] + "]" if name.startswith("[") else name.split(":")[0]
        if name.strip("[]") in ("", "localhost", "127.0.0.1", "::1"):
            return True
        self._fail(403, f"Host {name!r} does not name this loopback server", close=True)
        return False

    def do_GET(self) -> None:
        if not self._from_a_name_of_ours() or not self._authorized():
            return
        server = self.model_server
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
        limit = self.model_server.settings.max_body_bytes
        if length > limit:
            self._fail(
                413,
                f"request body of {length} bytes exceeds the limit of {limit} bytes",
                close=True,
            )
            return None
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            # A web page can POST text/plain anywhere without asking; JSON needs a CORS
            # preflight, which this server never approves.
            self._fail(415, "send the body with Content-Type: application/json", close=True)
            return None
        try:
            return self.rfile.read(length)
        except TimeoutError as error:
            self._fail(408, f"{error}; send the whole body at once", close=True)
            return None

    def do_POST(self) -> None:
        if not self._from_a_name_of_ours() or not self._authorized():
            return
        server = self.model_server
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
        status, response = server.wait(job)
        headers = {"Retry_After": "1"} if status == 503 else {}
        self._send(status, response, **headers)


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
