"""The language server's settings, read from whatever shape a client sends.

Clients pass the ``lagrangian`` section as ``initializationOptions`` and answer
``workspace/configuration`` with it later (docs/editors.md).  Some send the section itself,
some wrap it as ``{"lagrangian": {...}}``, some use dotted keys (``"inlayHints.enabled"``);
all are accepted.  A wrong value never breaks the server: it is replaced by the current
value and reported once as a readable problem, because a typo in an editor's settings file
must not turn into a silent misbehaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlparse

SECTION = "lagrangian"
COMPLETION_SOURCES = ("model", "exact")
DEVICES = ("auto", "cpu", "cuda", "mps")
# Completion computes every operator class up to maxDimension once per field content: 8
# (SMEFT: 1109 operators, about half a second) keeps the first completion interactive.
MAX_DIMENSIONS = range(4, 9)
_ANYWHERE = "fit.allowOutsideWorkspace"


@dataclass(frozen=True)
class Settings:
    """What the server does; the defaults match the VS Code extension's."""

    completion_source: str = "exact"
    model_server_url: str = ""
    device: str = "auto"
    inlay_hints: bool = True
    fit_llm: str = "builtin"
    fit_anywhere: bool = False
    max_dimension: int = 4


def read_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's object, unset keys keeping ``base``; plus the problems found."""
    base = base or Settings()
    problems: list[str] = []
    values = _flatten(_section(raw))
    settings = base
    source = values.get("completionSource")
    if source is not None:
        if source in COMPLETION_SOURCES:
            settings = replace(settings, completion_source=source)
        else:
            problems.append(_choice_problem("completionSource", source, COMPLETION_SOURCES))
    url = values.get("modelServerUrl")
    if url is not None:
        if isinstance(url, str) and _is_http_url(url.strip()):
            settings = replace(settings, model_server_url=url.strip())
        else:
            problems.append(
                f"{SECTION}.modelServerUrl is {url!r}, not an http(s) URL such as "
                '"http://127.0.0.1:8766" (or "" for the in-process model)'
            )
    device = values.get("device")
    if device is not None:
        if device in DEVICES:
            settings = replace(settings, device=device)
        else:
            problems.append(_choice_problem("device", device, DEVICES))
    for key, name in (("inlayHints.enabled", "inlay_hints"), (_ANYWHERE, "fit_anywhere")):
        flag = values.get(key)
        if flag is not None:
            if isinstance(flag, bool):
                settings = replace(settings, **{name: flag})
            else:
                problems.append(f"{SECTION}.{key} must be true or false, not {flag!r}")
    llm = values.get("fit.llm")
    if llm is not None:
        if isinstance(llm, str):
            settings = replace(settings, fit_llm=llm.strip() or "builtin")
        else:
            problems.append(f"{SECTION}.fit.llm must be a string, not {llm!r}")
    dimension = values.get("maxDimension")
    if dimension is not None:
        if type(dimension) is int and dimension in MAX_DIMENSIONS:
            settings = replace(settings, max_dimension=dimension)
        else:
            problems.append(
                f"{SECTION}.maxDimension is {dimension!r}; expected an integer from "
                f"{MAX_DIMENSIONS.start} to {MAX_DIMENSIONS.stop - 1}"
            )
    return settings, problems


def as_json(settings: Settings) -> dict[str, Any]:
    """The settings in the clients' shape (for status reports and tests)."""
    return {
        "completionSource": settings.completion_source,
        "modelServerUrl": settings.model_server_url,
        "device": settings.device,
        "inlayHints": {"enabled": settings.inlay_hints},
        "fit": {"llm": settings.fit_llm, "allowOutsideWorkspace": settings.fit_anywhere},
        "maxDimension": settings.max_dimension,
    }


def _section(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    inner = raw.get(SECTION)
    return inner if isinstance(inner, dict) else raw


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"inlayHints": {"enabled": x}}`` and ``{"inlayHints.enabled": x}`` alike."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _choice_problem(key: str, value: Any, allowed: tuple[str, ...]) -> str:
    choices = ", ".join(f'"{a}"' for a in allowed)
    return f"{SECTION}.{key} is {value!r}; expected one of {choices}"


def _is_http_url(url: str) -> bool:
    if url == "":
        return True
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)
