"""The event hub: auth, roles, scopes, sequencer, fan-out, commands, ingest, sources."""
