"""HTTP client for ``lagrangian model-server`` (stdlib ``urllib`` only).

Used by the language server and tools that talk to a remote model.  Failures come out as
one of three exceptions so a caller can decide what to do (typically: fall back to the
in-process model or the engine and tell the user):

- :class:`ServerRejected`: the server answered 4xx; the request itself is wrong (bad
  token, invalid body); retrying cannot help.
- :class:`ServerUnavailable`: nobody answered, or the server stayed overloaded (503) or
  failed (5xx); retried with exponential backoff first where that can help (connection
  errors and 503).
- :class:`ServerTimeout`: no answer within the timeout; not retried, since a slow server
  is usually a busy one and repeating the request would add to its load.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8766"


class ModelClientError(Exception):
    """Base of the client's errors; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ServerRejected(ModelClientError):
    """A 4xx answer: the request is wrong (the message is the server's explanation)."""


class ServerUnavailable(ModelClientError):
    """No usable answer: connection failed, overload persisted, or a server error."""


class ServerTimeout(ModelClientError):
    """The server did not answer within the client's timeout."""


def _server_message(error: urllib.error.HTTPError) -> str:
    """The ``error.message`` of a JSON error body, else the HTTP reason."""
    try:
        body = json.loads(error.read().decode("utf-8"))
        return str(body["error"]["message"])
    except (ValueError, KeyError, TypeError, OSError):
        return f"HTTP {error.code} {error.reason}"


class ModelClient:
    """A model-server client with timeouts, retries with backoff and a bearer token."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        token: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        max_backoff_s: float = 5.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"model server URL {url!r} must look like http://host:port")
        if timeout_s <= 0 or retries < 0 or backoff_s < 0:
            raise ValueError("timeout must be positive; retries and backoff not negative")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Exponential backoff with jitter; a server's Retry-After raises the floor."""
        delay = self.backoff_s * (2**attempt) * (0.5 + random.random())
        if retry_after is not None:
            with contextlib.suppress(ValueError):  # an HTTP date: keep our own delay
                delay = max(delay, float(retry_after))
        return min(delay, self.max_backoff_s)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one JSON request (with retries) and return the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        where = f"{method} {self.url}{path}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            request = urllib.request.Request(
                f"{self.url}{path}", data=data, headers=headers, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                message = _server_message(error)
                if error.code == 503 and not last:
                    time.sleep(self._delay(attempt, error.headers.get("Retry-After")))
                    continue
                kind = ServerRejected if 400 <= error.code < 500 else ServerUnavailable
                raise kind(f"{where}: {error.code}: {message}", error.code) from None
            except TimeoutError as error:
                raise ServerTimeout(f"{where}: no answer within {self.timeout_s:g} s") from error
            except urllib.error.URLError as error:
                if isinstance(error.reason, TimeoutError | socket.timeout):
                    raise ServerTimeout(
                        f"{where}: no answer within {self.timeout_s:g} s"
                    ) from error
                if last:
                    raise ServerUnavailable(
                        f"{where}: cannot connect ({error.reason}) after "
                        f"{self.retries + 1} attempt(s)"
                    ) from error
            except (ConnectionError, http.client.HTTPException) as error:
                if last:
                    raise ServerUnavailable(
                        f"{where}: connection failed ({error}) after {self.retries + 1} attempt(s)"
                    ) from error
            except json.JSONDecodeError as error:
                raise ServerUnavailable(f"{where}: the answer is not JSON ({error})") from error
            time.sleep(self._delay(attempt, None))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def health(self) -> dict[str, Any]:
        """``GET /v1/health``: model, device, queue depth and batching counters."""
        return self.request("GET", "/v1/health")

    def generate_tokens(self, src: Sequence[str], **options: Any) -> list[list[dict[str, Any]]]:
        """``POST /v1/generate_tokens``: hypotheses (``tgt``, ``score``, ``finished``) per source.

        ``src`` holds space-separated token strings; ``options`` are generation settings
        (``num_beams``, ``num_return_sequences``, ``max_new_tokens``, ``do_sample`` ...).
        """
        answer = self.request("POST", "/v1/generate_tokens", {"src": list(src), **options})
        return [item["hypotheses"] for item in answer["results"]]
