"""The alert gateway: CAP 1.2 feeds, AI-camera webhooks and grid workers' photo reports over HTTP.

A separate process (`duty-console gateway`) that speaks the ingest role to the
hub over the ordinary websocket protocol (console/protocol/PROTOCOL.md): the hub
stays untouched, and untrusted HTTP input is parsed outside the authoritative
core. Inputs and refusals are documented in console/protocol/GATEWAY.md.
"""
