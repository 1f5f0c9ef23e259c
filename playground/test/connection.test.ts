import * as assert from "assert";
import { Connection, lspSocketUrl, reconnectDelay, type SocketLike } from "../src/connection";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  sent: string[] = [];
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.onclose?.({ code: 1000, reason: "" });
  }
}

describe("connection", () => {
  it("talks to /lsp on the page's own host, over TLS when the page is", () => {
    assert.strictEqual(lspSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" }), "ws://127.0.0.1:8000/lsp");
    assert.strictEqual(lspSocketUrl({ protocol: "https:", host: "physics.example" }), "wss://physics.example/lsp");
  });

  it("backs off from half a second to at most ten", () => {
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 9].map(reconnectDelay), [500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it("hands out a transport on open and reconnects after a close", () => {
    const sockets: FakeSocket[] = [];
    const scheduled: [() => void, number][] = [];
    const events: string[] = [];
    const received: string[] = [];
    const connection = new Connection(
      "ws://h/lsp",
      {},
      {
        connected: (transport) => {
          events.push("connected");
          transport.subscribe((message) => received.push(message));
          transport.send("hello");
        },
        disconnected: (reason, retry) => events.push(`${reason} / ${retry}`),
      },
      (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      (callback, ms) => scheduled.push([callback, ms]),
    );

    connection.start();
    sockets[0].onclose!({ code: 1006, reason: "" });
    assert.deepStrictEqual(events, ["cannot reach the language server at ws://h/lsp / 500"]);
    scheduled[0][0]();
    sockets[1].onclose!({ code: 1006, reason: "" });
    assert.strictEqual(scheduled[1][1], 1000, "the second failure waits longer");
    scheduled[1][0]();

    sockets[2].onopen!({});
    sockets[2].onmessage!({ data: '{"jsonrpc":"2.0","id":1,"result":{}}' });
    assert.deepStrictEqual(sockets[2].sent, ["hello"]);
    assert.deepStrictEqual(received, ['{"jsonrpc":"2.0","id":1,"result":{}}']);

    sockets[2].onclose!({ code: 1001, reason: "server restart" });
    assert.strictEqual(events.at(-1), "connection to the language server closed (server restart) / 500");
  });
});
