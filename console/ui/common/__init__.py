"""What every pane shares: theme, the glossary of codes in zh and en, formatting."""
