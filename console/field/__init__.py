"""The field page: static HTML, CSS and JavaScript the hub serves at /field/ (no Python here)."""
