"""The console's websocket client session (no Qt): connect, resume, outbox, reconnect."""
