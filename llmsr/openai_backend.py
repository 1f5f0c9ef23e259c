"""Backend for any OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp, Ollama, hosted).

Plain ``urllib`` over HTTP(S), so no client library is needed.  The endpoint URL may be the
server root, its ``/v1`` base or the full ``/chat/completions`` address.  The model name and
API key come from environment variables (``LAGRANGIAN_LLM_MODEL``, ``LAGRANGIAN_LLM_API_KEY``
or ``OPENAI_API_KEY``) so that keys never appear on command lines; without a model name the
first model the server lists is used.  Timeouts, rate limits (429, honouring Retry-After up to
a cap) and server errors are retried with exponential backoff and then skipped; every
outcome is counted in ``stats``.  Only an endpoint that cannot be reached at all when the
backend is created raises ``BackendError``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .backends import BackendStats
from .errors import BackendError
from .prompts import Prompt

MODEL_ENV = "LAGRANGIAN_LLM_MODEL"
KEY_ENVS = ("LAGRANGIAN_LLM_API_KEY", "OPENAI_API_KEY")
_RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}


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
        self.api_key = api_key or next((os.environ[k] for k in KEY_ENVS if os.environ.get(k)), None)
        self.stats = BackendStats()
        self._lock = threading.Lock()
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
        request = urllib.request.Request(self.models_url, headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                listing = json.loads(response.read().decode("utf-8"))
            return [
                str(m["id"]) for m in listing.get("data", []) if isinstance(m, dict) and "id" in m
            ]
        except urllib.error.HTTPError:
            return []  # it answered: reachable, but without a model list
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise BackendError(f"cannot reach LLM endpoint {self.display_url}: {reason}") from None
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
            return []

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        futures = [self._pool.submit(self._sample_one, prompt.text) for _ in range(n)]
        replies = [future.result() for future in futures]
        return [reply for reply in replies if reply is not None]

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
            self._count("requests")
            try:
                reply = self._post(body)
                self._count("replies")
                return reply
            except _Retryable as error:
                if error.kind == "timeout":
                    self._count("timeouts")
                elif error.kind == "rate":
                    self._count("rate_limited")
                if attempt == self.max_retries:
                    break
                self._count("retries")
                delay = error.wait if error.wait is not None else self.backoff * 2**attempt
                time.sleep(min(delay, self.max_backoff))
            except _Garbage:
                break
        self._count("failures")
        return None

    def _post(self, body: bytes) -> str:
        request = urllib.request.Request(
            self.url, data=body, headers=self._headers(), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            if error.code in _RETRYABLE:
                raise _Retryable(
                    "rate" if error.code == 429 else "server", _retry_after(error)
                ) from None
            raise _Garbage(f"HTTP {error.code}") from None
        except TimeoutError:
            raise _Retryable("timeout") from None
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            if isinstance(getattr(error, "reason", None), (TimeoutError, socket.timeout)):
                raise _Retryable("timeout") from None
            raise _Retryable("connection") from None
        return _content(raw)


class _Garbage(Exception):
    """A reply that is not a chat completion; retrying the same request would not help."""


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
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
