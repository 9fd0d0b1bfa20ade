"""Composition roots: config, the console app, the hub, the demo, offline exercises."""
