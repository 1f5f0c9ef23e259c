"""Language-server performance: initialize, completion, diagnostics latency, memory.

Drives a real ``python -m lagrangian.server lsp`` subprocess over stdio with pygls'
client, on a 200-line ``.lag`` document (21 fields: three SM generations, a second
doublet, a triplet, two real scalars and a singlet fermion; the Lagrangian without its
quartics, so completion has something to propose), with the exact engine.

* ``initialize``: spawn to the ``initialize`` answer (goal: under 1 s, no torch import);
* ``completion``: at the end of the Lagrangian, on the analysed document (``idle``) and
  right after an edit, when the analysis must be redone first (``after_edit``);
  goal p95 < 100 ms;
* ``diagnostics``: a term typed one character every 50 ms; the time from the last
  keystroke to the diagnostics of the final version (goal < 300 ms);
* ``memory``: the server's resident memory after start-up and after the document is
  open, before any model is loaded (goal < 300 MB).

    python benchmarks/lsp_performance.py [--rounds 100] [--json out.json]
                                         [--compare previous.json]

``LSP_LOG=debug`` passes ``--log-level debug`` to the server, whose stderr is shown: it
logs how long each check of the document took.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [
    sys.executable,
    "-m",
    "lagrangian.server",
    "lsp",
    "--log-level",
    os.environ.get("LSP_LOG", "warning"),
]
URI = "file:///benchmark/model.lag"
FIELDS = (
    "scalar H (1, 2, 1/2); scalar Phi (1, 2, 1/2); scalar Delta (1, 3, 1); "
    "scalar S (1, 1, 0) real; scalar T (1, 3, 0) real; "
    + "; ".join(
        f"fermion Q{g} (3, 2, 1/6) left; fermion u{g} (-3, 1, -2/3) left; "
        f"fermion d{g} (-3, 1, 1/3) left; fermion L{g} (1, 2, -1/2) left; "
        f"fermion e{g} (1, 1, 1) left"
        for g in (1, 2, 3)
    )
    + "; fermion N (1, 1, 0) left"
)
LINES = 200
TYPED = "  - c7 Phi^dagger Phi"


def benchmark_document() -> str:
    """The 200-line document: generated Lagrangian minus quartics, padded with comments,
    ending in an indented blank line where the next term would go."""
    from lagrangian.grammar import parse_declarations
    from lagrangian.physics.api import engine_terms
    from lagrangian.physics.fields import build_model
    from lagrangian.server.output import render_generated

    decls = parse_declarations(FIELDS)
    model, problems = build_model(decls.gauge, decls.fields)
    assert not problems, problems
    text = render_generated(model, engine_terms(model), "text")
    lines = [line for line in text.splitlines() if "lambda" not in line]
    body = [f"# section {i}: notes on the model" for i in range(LINES - len(lines) - 1)]
    first_term = next(i for i, line in enumerate(lines) if line.startswith("L ="))
    return "\n".join(lines[:first_term] + body + lines[first_term:]) + "\n  "


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("lsp-benchmark", "1")
        self.published: list[tuple[float, int | None]] = []
        self.diagnostics: dict[int | None, list[types.Diagnostic]] = {}
        self.stderr_task: asyncio.Task[None] | None = None

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params.version))
            self.diagnostics[params.version] = params.diagnostics

        @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.feature(types.PROGRESS)
        def progress(params: types.ProgressParams) -> None:
            return None

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            return None

    async def wait_version(self, version: int, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for when, published in self.published:
                if published == version:
                    return when
            await asyncio.sleep(0.002)
        raise TimeoutError(f"no diagnostics for version {version}")


async def _drain(client: Client) -> None:
    """Copy the server's stderr through (an unread pipe would stall a chatty server)."""
    stream = client._server.stderr if client._server else None
    while stream is not None and (line := await stream.readline()):
        sys.stderr.buffer.write(line)


async def started() -> tuple[Client, float]:
    began = time.perf_counter()
    client = Client()
    await client.start_io(*SERVER)
    client.stderr_task = asyncio.create_task(_drain(client))
    capabilities = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        text_document=types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(snippet_support=True)
            )
        ),
    )
    await client.initialize_async(
        types.InitializeParams(
            capabilities=capabilities, initialization_options={"completionSource": "exact"}
        )
    )
    seconds = time.perf_counter() - began
    client.initialized(types.InitializedParams())
    return client, seconds


async def finish(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def change(client: Client, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def end_of(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(line=len(lines) - 1, character=len(lines[-1]))


async def complete(client: Client, position: types.Position) -> tuple[float, int]:
    began = time.perf_counter()
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=position
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result or []
    return time.perf_counter() - began, len(items)


async def status(client: Client) -> dict[str, Any]:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="lagrangian.serverStatus")
    )


async def measure(rounds: int) -> dict[str, Any]:
    text = benchmark_document()
    assert len(text.splitlines()) == LINES
    initialize = []
    for _ in range(3):
        client, seconds = await started()
        initialize.append(seconds)
        await finish(client)
    client, seconds = await started()
    initialize.append(seconds)
    first = await status(client)
    while not first["engineReady"]:
        await asyncio.sleep(0.05)
        first = await status(client)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="lagrangian", version=1, text=text
            )
        )
    )
    await client.wait_version(1)
    idle, count = [], 0
    for _ in range(rounds):
        seconds, count = await complete(client, end_of(text))
        idle.append(seconds)
    after_edit, version = [], 1
    for i in range(max(rounds // 4, 5)):
        version += 1
        edited = text.replace("# section 0:", f"# section 0 ({i}):", 1)
        change(client, version, edited)
        seconds, _ = await complete(client, end_of(edited))
        after_edit.append(seconds)
    latency = []
    for i in range(max(rounds // 10, 5)):
        base = text + f"\n  - c{i} S^2\n  "
        for k in range(1, len(TYPED) + 1):
            version += 1
            change(client, version, base + TYPED[:k])
            typed_at = time.perf_counter()
            await asyncio.sleep(0.05)
        published = await client.wait_version(version)
        latency.append(published - typed_at)
    after = await status(client)
    await finish(client)
    return {
        "document_lines": LINES,
        "completion_items": count,
        "initialize_s": _stats(initialize),
        "completion_idle_s": _stats(idle),
        "completion_after_edit_s": _stats(after_edit),
        "diagnostics_after_last_keystroke_s": _stats(latency),
        "rss_started_mb": round(first["rssBytes"] / 2**20, 1),
        "rss_with_document_mb": round(after["rssBytes"] / 2**20, 1),
        "heavy_modules_loaded": [k for k, v in after["heavyModules"].items() if v],
    }


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "p50": round(statistics.median(ordered), 4),
        "p95": round(p95, 4),
        "max": round(ordered[-1], 4),
    }


def report(result: dict[str, Any], previous: dict[str, Any] | None) -> None:
    print(
        f"document: {result['document_lines']} lines, {result['completion_items']} completion items"
    )
    for key in (
        "initialize_s",
        "completion_idle_s",
        "completion_after_edit_s",
        "diagnostics_after_last_keystroke_s",
    ):
        print(stats_line(key, result, previous, 38))
    for key in ("rss_started_mb", "rss_with_document_mb"):
        line = f"{key:38s} {result[key]:8.1f} MB"
        if previous and key in previous:
            line += f"   was {previous[key]:.1f} MB ({_change(previous[key], result[key])})"
        print(line)
    print(f"heavy modules loaded: {result['heavy_modules_loaded'] or 'none'}")


def stats_line(
    key: str, result: dict[str, Any], previous: dict[str, Any] | None, width: int
) -> str:
    """``key``'s p50, p95 and max in ms, and the p95 of ``previous`` beside them."""
    stats = result[key]
    line = f"{key:{width}s} p50 {stats['p50'] * 1000:8.1f} ms   p95 {stats['p95'] * 1000:8.1f} ms"
    line += f"   max {stats['max'] * 1000:8.1f} ms   (n={stats['n']})"
    if previous and key in previous:
        before = previous[key]["p95"]
        line += f"   p95 was {before * 1000:.1f} ms ({_change(before, stats['p95'])})"
    return line


def _change(before: float, after: float) -> str:
    return f"{(after - before) / before * 100:+.0f}%" if before else "n/a"


def command_line(description: str, rounds: int) -> argparse.ArgumentParser:
    """The options both LSP benchmarks take."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=rounds, help=f"rounds (default {rounds})")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="a previous --json output to compare with")
    return parser


def run(
    args: argparse.Namespace,
    measure: Callable[[int], Awaitable[dict[str, Any]]],
    report: Callable[[dict[str, Any], dict[str, Any] | None], None],
) -> int:
    """Measure, print beside the ``--compare`` run, save as ``--json``."""
    previous = json.loads(args.compare.read_text()) if args.compare else None
    result = asyncio.run(measure(args.rounds))
    report(result, previous)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


def main() -> int:
    return run(command_line(__doc__, 100).parse_args(), measure, report)


if __name__ == "__main__":
    sys.exit(main())
