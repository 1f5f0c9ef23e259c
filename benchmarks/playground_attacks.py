"""The exhaustion attacks of docs/security.md against a real playground, with figures.

Starts ``lagrangian playground`` on a loopback port and measures what an attacker gets:
a 5.4 MB document (time to the answer, the server's RSS before and after), a flood of
idle connections (how many were accepted, the server's thread count), four fits with
``budget = 1000000`` (how long until each is answered).  Loopback only; every loop is
bounded in count and time.  ``--json`` writes the figures, ``--compare`` prints a
previous run beside them.

    python benchmarks/playground_attacks.py [--flood 400] [--json out.json] [--compare old.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SAFETY = 120


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def threads(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"Threads:\s+(\d+)", status.read()).group(1))


def lsp(ws: Any, method: str, params: Any, ident: int) -> dict[str, Any]:
    ws.send(json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}))
    while True:
        message = json.loads(ws.recv(timeout=SAFETY))
        if message.get("id") == ident and "method" not in message:
            return message


def measure(flood: int) -> dict[str, Any]:
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    command = [sys.executable, "-m", "lagrangian.server", "playground", "--port", "0"]
    process = subprocess.Popen([*command, "--no-browser"], stdout=subprocess.PIPE, text=True)
    figures: dict[str, Any] = {}
    try:
        url = re.search(r"http://[^ ]+/", process.stdout.readline()).group()
        ws_url = url.replace("http://", "ws://") + "lsp"
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with connect(ws_url, max_size=None) as ws:
            lsp(ws, "initialize", {"capabilities": {}}, 1)
            figures["rss_before_mb"] = round(rss_mb(process.pid), 1)
            text = "scalar H (1,2,1/2)\nL = " + " + ".join(["lambda H^dagger H"] * 300_000)
            started = time.monotonic()
            document = {"uri": "file:///big.lag", "languageId": "lag", "version": 1, "text": text}
            ws.send(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "textDocument/didOpen",
                        "params": {"textDocument": document},
                    }
                )
            )
            with contextlib.suppress(ConnectionClosed):
                ws.recv(timeout=SAFETY)
            figures["big_document_mb"] = round(len(text) / 1e6, 1)
            figures["big_document_answer_s"] = round(time.monotonic() - started, 3)
            figures["big_document_close_code"] = ws.close_code
        figures["rss_after_mb"] = round(rss_mb(process.pid), 1)

        sockets = []
        for _ in range(flood):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=SAFETY))
        time.sleep(0.5)  # let the server accept them (a measurement, not a test)
        figures["flood_connections"] = flood
        figures["flood_threads"] = threads(process.pid)
        try:
            with connect(ws_url, open_timeout=SAFETY):
                figures["flood_legit_connection"] = "accepted"
        except InvalidStatus as refused:
            figures["flood_legit_connection"] = f"HTTP {refused.response.status_code}"
        for s in sockets:
            s.close()

        with connect(ws_url, max_size=None) as ws:
            lsp(ws, "initialize", {"capabilities": {}}, 1)
            times = []
            for n in range(4):
                uri = f"file:///fit{n}.lag"
                document = {"uri": uri, "languageId": "lag", "version": 1}
                document["text"] = "fit W { benchmark = qed; budget = 1000000 }\n"
                ws.send(
                    json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "textDocument/didOpen",
                            "params": {"textDocument": document},
                        }
                    )
                )
                started = time.monotonic()
                answer = lsp(
                    ws,
                    "workspace/executeCommand",
                    {"command": "lagrangian.fitEquation", "arguments": [{"uri": uri}]},
                    10 + n,
                )
                times.append(time.monotonic() - started)
                figures["fit_answer"] = answer.get("error", {}).get("message", "ran")
            figures["fit_answer_max_s"] = round(max(times), 3)
    finally:
        process.terminate()
        process.wait(timeout=SAFETY)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=400, help="idle connections (default 400)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--compare", type=Path, help="a previous --json run to show beside")
    args = parser.parse_args()
    figures = measure(args.flood)
    previous = json.loads(args.compare.read_text()) if args.compare else {}
    for key, value in figures.items():
        before = f"   (before: {previous[key]})" if key in previous else ""
        print(f"{key:28} {value}{before}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
