"""Drill fixtures: one short recorded exercise (marathon 07:22–07:42, the dog at 07:30) per session."""

import asyncio

import pytest

from console.recording.drill_file import DrillRecorder
from console.app.exercise import run_offline

START = "07:22"
DURATION_S = 1200.0
CAMERAS = ["CAM01", "CAM02"]


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    """(drill path, final state of the run that was recorded)."""
    path = tmp_path_factory.mktemp("drill") / "short.drill"
    rec = DrillRecorder(path, scenario="marathon", seed=7, mode="exercise", recorded_by="pytest",
                        cameras=CAMERAS, fps=1 / 60, snapshot_every_s=120.0)
    core = asyncio.run(run_offline("marathon", seed=7, start=START, duration_s=DURATION_S, recorder=rec,
                                   record_cameras=CAMERAS, frame_size=(320, 180, 40)))
    return path, core.state
