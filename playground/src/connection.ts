/**
 * The WebSocket to the language server, kept open across server restarts.
 *
 * `lagrangian playground` serves LSP at `/lsp` on the page's own host, so the page works
 * behind any port or proxy without configuration.  When the socket closes (the server
 * restarted, the laptop slept) the page says so and reconnects with a growing delay;
 * each new socket gets a fresh `Transport`, and the LSP client re-initializes and
 * re-opens the document on it.
 */

import { routedTransport, type RequestHandler, type Transport } from "./router";

/** `ws://host/lsp`, or `wss://` when the page itself came over https. */
export function lspSocketUrl(location: { protocol: string; host: string }, path = "/lsp"): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

/** Delay before reconnection attempt `attempt` (0-based): 0.5 s doubling up to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 10_000);
}

/** The part of the browser's `WebSocket` used here. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface ConnectionEvents {
  connected(transport: Transport): void;
  disconnected(reason: string, retryInMs: number): void;
}

export class Connection {
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly handlers: Readonly<Record<string, RequestHandler>>,
    private readonly events: ConnectionEvents,
    private readonly createSocket: (url: string) => SocketLike = (url) => new WebSocket(url) as unknown as SocketLike,
    private readonly schedule: (callback: () => void, ms: number) => void = (callback, ms) => {
      setTimeout(callback, ms);
    },
  ) {}

  start(): void {
    const socket = this.createSocket(this.url);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      const listeners: ((message: string) => void)[] = [];
      socket.onmessage = (event) => {
        const text = typeof event.data === "string" ? event.data : String(event.data);
        for (const listener of listeners) {
          listener(text);
        }
      };
      const transport = routedTransport(
        { send: (message) => socket.send(message), onMessage: (listener) => listeners.push(listener) },
        this.handlers,
      );
      this.events.connected(transport);
    };
    socket.onclose = (event) => {
      const delay = reconnectDelay(this.attempt++);
      const reason = opened
        ? `connection to the language server closed${event.reason ? ` (${event.reason})` : ""}`
        : `cannot reach the language server at ${this.url}`;
      this.events.disconnected(reason, delay);
      this.schedule(() => this.start(), delay);
    };
  }
}
