/**
 * The message layer between the WebSocket and `@codemirror/lsp-client`.
 *
 * The LSP client answers every request *from the server* with "method not found", but
 * the Lagrangian server sends a few that matter here: `workspace/applyEdit` (code actions
 * and "complete the Lagrangian" insert text that way) and `window/workDoneProgress/create`
 * (model loading and generation report progress).  This transport answers those itself
 * and passes everything else through untouched, so the client library stays unmodified.
 *
 * Each WebSocket text message is exactly one JSON-RPC message (no `Content-Length`
 * headers), which is also the framing `Transport` expects.
 */

/**
 * The `Transport` shape `@codemirror/lsp-client` connects to.  Declared here rather than
 * imported so the pure modules (and their tests, compiled as CommonJS) do not depend on
 * the ESM-only type declarations of the client package; TypeScript checks the two match
 * where main.ts hands this transport to the client.
 */
export interface Transport {
  send(message: string): void;
  subscribe(handler: (value: string) => void): void;
  unsubscribe(handler: (value: string) => void): void;
}

/** A connected message pipe: the open WebSocket, or a fake in tests. */
export interface MessageChannel {
  send(message: string): void;
  onMessage(listener: (message: string) => void): void;
}

/** Handles one server-to-client request; the resolved value is the JSON-RPC result. */
export type RequestHandler = (params: unknown) => unknown | Promise<unknown>;

interface JsonRpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
}

function parse(message: string): JsonRpcMessage | undefined {
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRpcMessage) : undefined;
  } catch {
    return undefined;
  }
}

const INTERNAL_ERROR = -32603;

/**
 * Wraps `channel` as a `Transport`, answering the requests in `handlers` locally.  A
 * handler that throws becomes a JSON-RPC error response, so the server never waits on a
 * request the page failed to handle.
 */
export function routedTransport(channel: MessageChannel, handlers: Readonly<Record<string, RequestHandler>>): Transport {
  let listeners: ((message: string) => void)[] = [];

  const respond = (id: number | string, outcome: { result: unknown } | { error: { code: number; message: string } }) =>
    channel.send(JSON.stringify({ jsonrpc: "2.0", id, ...outcome }));

  channel.onMessage((message) => {
    const parsed = parse(message);
    const handler = parsed?.method === undefined ? undefined : handlers[parsed.method];
    const id = parsed?.id;
    if (handler === undefined || id === undefined || id === null) {
      for (const listener of listeners) {
        listener(message);
      }
      return;
    }
    Promise.resolve()
      .then(() => handler(parsed?.params))
      .then(
        (result) => respond(id, { result: result ?? null }),
        (error: unknown) =>
          respond(id, {
            error: { code: INTERNAL_ERROR, message: error instanceof Error ? error.message : String(error) },
          }),
      );
  });

  return {
    send: (message) => channel.send(message),
    subscribe: (listener) => {
      listeners.push(listener);
    },
    unsubscribe: (listener) => {
      listeners = listeners.filter((l) => l !== listener);
    },
  };
}
