"""The language server: one module per feature, the server state, documents and trust."""
