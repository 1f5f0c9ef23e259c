"""The browser playground's backend: its page and LSP over WebSocket on one port."""
