"""Backend for any OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp, Ollama, hosted).

Plain ``http.client`` over HTTP(S), so no client library is needed.  The endpoint URL may be
the server root, its ``/v1`` base or the full ``/chat/completions`` address.  The model name
and API key come from environment variables (``LAGRANGIAN_LLM_MODEL``,
``LAGRANGIAN_LLM_API_KEY`` or ``OPENAI_API_KEY``) so that keys never appear on command lines;
without a model name the first model the server lists is used.

Nothing the server does can hang the search: every request has a total deadline
(``timeout``, default 120 s, enforced by a watchdog, see ``http_exchange``) and a reply size
cap (``max_reply_bytes``, default 1 MiB); rate limits (429, honouring Retry-After up to a
cap), server errors (5xx), timeouts and refused connections are retried with exponential
backoff; and once requests have failed without a single success for ``give_up_seconds``
(default 120 s) the backend gives up: ``sample`` raises ``BackendGaveUp`` and the search
stops with that reason.  Every outcome is counted in ``stats``.  Only an endpoint that cannot
be reached at all when the backend is created raises ``BackendError`` at once.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import BackendError, BackendGaveUp
from ..prompts import Prompt
from .http_exchange import DeadlinePassed, ReplyTooLarge, exchange
from .protocol import BackendStats

MODEL_ENV = "LAGRANGIAN_LLM_MODEL"
KEY_ENVS = ("LAGRANGIAN_LLM_API_KEY", "OPENAI_API_KEY")
_RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}
_MAX_MODELS_BYTES = 1 << 20


def endpoint_urls(url: str) -> tuple[str, str]:
    """The chat-completions URL and the models-list URL for a user-given address."""
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        root = base[: -len("/chat/completions")]
        return base, root + "/models"
    if not base.endswith("/v1"):
        base += "/v1"
    return base + "/chat/completions", base + "/models"


class _Retryable(Exception):
    def __init__(self, kind: str, wait: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.wait = wait


class OpenAIBackend:
    """Samples programs from a chat-completions endpoint, several requests in parallel."""

    name = "openai"

    def __init__(
        self,
        url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        temperature: float = 0.8,
        max_tokens: int = 1024,
        concurrency: int = 4,
        connect_timeout: float = 10.0,
        max_reply_bytes: int = 1 << 20,
        give_up_seconds: float = 120.0,
    ) -> None:
        self.url, self.models_url = endpoint_urls(url)
        self.display_url = url
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.concurrency = max(1, concurrency)
        self.max_reply_bytes = max_reply_bytes
        self.give_up_seconds = give_up_seconds
        self.api_key = api_key or next((os.environ[k] for k in KEY_ENVS if os.environ.get(k)), None)
        self.stats = BackendStats()
        self._lock = threading.Lock()
        self._failing_since: float | None = None
        self._last_error = ""
        listed = self._probe(connect_timeout)
        self.model = model or os.environ.get(MODEL_ENV) or (listed[0] if listed else "")
        if not self.model:
            raise BackendError(f"LLM endpoint {self.display_url} lists no models; set {MODEL_ENV}")
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="llm")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _probe(self, timeout: float) -> list[str]:
        """Prove the server is reachable; return the models it lists (empty if it lists none)."""
        deadline = time.monotonic() + timeout
        try:
            reply = exchange(
                self.models_url, "GET", self._headers(), None, deadline, _MAX_MODELS_BYTES
            )
        except (OSError, DeadlinePassed) as error:
            reason = str(error) or "no answer in time"
            raise BackendError(f"cannot reach LLM endpoint {self.display_url}: {reason}") from None
        except ReplyTooLarge:
            return []
        if reply.status != 200:
            return []  # it answered: reachable, but without a model list
        try:
            listing = json.loads(reply.body.decode("utf-8"))
            return [
                str(m["id"]) for m in listing.get("data", []) if isinstance(m, dict) and "id" in m
            ]
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
            return []

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    # -- giving up -------------------------------------------------------------------------

    def _succeeded(self) -> None:
        with self._lock:
            self._failing_since = None

    def _failed(self, reason: str) -> None:
        with self._lock:
            if self._failing_since is None:
                self._failing_since = time.monotonic()
            self._last_error = reason

    def _give_up_at(self) -> float:
        """When the current run of failures reaches the give-up period (``inf``: no failures)."""
        with self._lock:
            since = self._failing_since
        return float("inf") if since is None else since + self.give_up_seconds

    def gave_up(self) -> bool:
        return time.monotonic() >= self._give_up_at()

    # -- sampling --------------------------------------------------------------------------

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        if self.gave_up():
            raise self._giving_up()
        futures = [self._pool.submit(self._sample_one, prompt.text) for _ in range(n)]
        replies = [future.result() for future in futures]
        found = [reply for reply in replies if reply is not None]
        if not found and self.gave_up():
            raise self._giving_up()
        return found

    def _giving_up(self) -> BackendGaveUp:
        return BackendGaveUp(
            f"the LLM endpoint {self.display_url} failed for {self.give_up_seconds:g} s "
            f"without a single usable reply (last: {self._last_error or 'no reply'}); gave up"
        )

    def _sample_one(self, text: str) -> str | None:
        body = json.dumps(
            {
                "model": self.model,
                "messages": [{"role": "user", "content": text}],
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
            }
        ).encode("utf-8")
        for attempt in range(self.max_retries + 1):
            give_up_at = self._give_up_at()
            if time.monotonic() >= give_up_at:
                break
            self._count("requests")
            try:
                reply = self._post(body, min(time.monotonic() + self.timeout, give_up_at))
                self._count("replies")
                self._succeeded()
                return reply
            except _Retryable as error:
                self._failed(error.kind)
                if error.kind == "timeout":
                    self._count("timeouts")
                elif error.kind == "rate":
                    self._count("rate_limited")
                if attempt == self.max_retries:
                    break
                self._count("retries")
                delay = error.wait if error.wait is not None else self.backoff * 2**attempt
                delay = min(
                    delay, self.max_backoff, max(0.0, self._give_up_at() - time.monotonic())
                )
                time.sleep(delay)
            except _Garbage as error:
                self._failed(str(error))
                break
        self._count("failures")
        return None

    def _post(self, body: bytes, deadline: float) -> str:
        try:
            reply = exchange(
                self.url, "POST", self._headers(), body, deadline, self.max_reply_bytes
            )
        except DeadlinePassed:
            raise _Retryable("timeout") from None
        except ReplyTooLarge:
            raise _Garbage(f"a reply larger than {self.max_reply_bytes} bytes") from None
        except OSError:
            raise _Retryable("connection") from None
        if reply.status in _RETRYABLE:
            kind = "rate" if reply.status == 429 else "server"
            raise _Retryable(kind, _retry_after(reply.retry_after))
        if reply.status != 200:
            raise _Garbage(f"HTTP {reply.status}")
        return _content(reply.body)


class _Garbage(Exception):
    """A reply that is not a chat completion; retrying the same request would not help."""


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _content(raw: bytes) -> str:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError):
        raise _Garbage("not a chat completion") from None
    if not isinstance(content, str):
        raise _Garbage("no text content")
    return content
