"""The norms a screen's speed is judged by (the status bar, the district's view, the after-action report).

- ALARM_DISPLAY_NORM_S: an alarm received shown on the fire-control room's screen within 10 s
  (the alarm-display norm of fire-control rooms).
- VIDEO_NORM_DIRECT_S / VIDEO_NORM_TERMINAL_S: GB/T 28181's end-to-end video delay (capture,
  encoding, network, decoding and display) of at most 2 s between a camera and the monitoring
  center it is connected to, and 4 s to a user's terminal beyond it.
"""

from __future__ import annotations

ALARM_DISPLAY_NORM_S = 10.0
VIDEO_NORM_DIRECT_S = 2.0
VIDEO_NORM_TERMINAL_S = 4.0
