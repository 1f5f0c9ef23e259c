import * as assert from "assert";
import { routedTransport, type MessageChannel } from "../src/router";

class FakeChannel implements MessageChannel {
  sent: unknown[] = [];
  private listener: (message: string) => void = () => undefined;
  send(message: string): void {
    this.sent.push(JSON.parse(message));
  }
  onMessage(listener: (message: string) => void): void {
    this.listener = listener;
  }
  receive(message: unknown): void {
    this.listener(typeof message === "string" ? message : JSON.stringify(message));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("routedTransport", () => {
  it("passes responses, notifications and unknown requests to the LSP client", () => {
    const channel = new FakeChannel();
    const transport = routedTransport(channel, { "workspace/applyEdit": () => ({ applied: true }) });
    const seen: string[] = [];
    transport.subscribe((message) => seen.push(message));
    channel.receive({ jsonrpc: "2.0", id: 1, result: null });
    channel.receive({ jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: {} });
    channel.receive({ jsonrpc: "2.0", id: 7, method: "workspace/configuration", params: {} });
    assert.strictEqual(seen.length, 3);
    assert.deepStrictEqual(channel.sent, []);
  });

  it("answers handled requests itself, with their result", async () => {
    const channel = new FakeChannel();
    const calls: unknown[] = [];
    const transport = routedTransport(channel, {
      "workspace/applyEdit": (params) => {
        calls.push(params);
        return { applied: true };
      },
      "window/workDoneProgress/create": () => undefined,
    });
    const seen: string[] = [];
    transport.subscribe((message) => seen.push(message));
    channel.receive({ jsonrpc: "2.0", id: "a", method: "workspace/applyEdit", params: { edit: {} } });
    channel.receive({ jsonrpc: "2.0", id: 3, method: "window/workDoneProgress/create", params: { token: "t" } });
    await settle();
    assert.deepStrictEqual(seen, []);
    assert.deepStrictEqual(calls, [{ edit: {} }]);
    assert.deepStrictEqual(channel.sent, [
      { jsonrpc: "2.0", id: "a", result: { applied: true } },
      { jsonrpc: "2.0", id: 3, result: null },
    ]);
  });

  it("turns a failing handler into a JSON-RPC error response", async () => {
    const channel = new FakeChannel();
    routedTransport(channel, {
      "workspace/applyEdit": () => {
        throw new Error("no editor");
      },
    });
    channel.receive({ jsonrpc: "2.0", id: 9, method: "workspace/applyEdit", params: {} });
    await settle();
    assert.deepStrictEqual(channel.sent, [{ jsonrpc: "2.0", id: 9, error: { code: -32603, message: "no editor" } }]);
  });

  it("sends the client's messages and stops delivering after unsubscribe", () => {
    const channel = new FakeChannel();
    const transport = routedTransport(channel, {});
    const seen: string[] = [];
    const listener = (message: string) => seen.push(message);
    transport.subscribe(listener);
    transport.send('{"jsonrpc":"2.0","method":"initialized","params":{}}');
    transport.unsubscribe(listener);
    channel.receive({ jsonrpc: "2.0", method: "$/progress", params: {} });
    assert.deepStrictEqual(channel.sent, [{ jsonrpc: "2.0", method: "initialized", params: {} }]);
    assert.deepStrictEqual(seen, []);
  });

  it("passes unparsable text through rather than dropping it", () => {
    const channel = new FakeChannel();
    const transport = routedTransport(channel, {});
    const seen: string[] = [];
    transport.subscribe((message) => seen.push(message));
    channel.receive("not json");
    assert.deepStrictEqual(seen, ["not json"]);
  });
});
