"""The wall as a situation display: its board (countdowns, the day's figures, the followed incident)
and what it follows (the duty commander's selection, else the most urgent, else a rotation)."""
