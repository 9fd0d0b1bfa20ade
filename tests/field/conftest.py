"""A real hub on loopback, a commander protocol client, and Debian's chromium driven by Playwright.

Playwright is told to use the system chromium (`executable_path`); its own browser
downloads are never used. Without chromium or Playwright these tests are skipped
with the reason, not failed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: where the screenshots for the issue's closing note go
SHOTS = Path("/work/notes/shots")

#: the field person of these tests: R0001 of the marathon baseline
FIELD_TOKEN = "field-R0001-secret"
FIELD_NAME = "网格员终端 R0001"


def write_tokens(path: Path, *, field: bool = True) -> None:
    """A tokens file with a commander, an ingest source and (unless revoked) the field phone."""
    entries = [{"token": "cmd-secret", "role": "commander", "name": "值班长 王敏"},
               {"token": "ingest-secret", "role": "ingest", "name": "感知接入"}]
    if field:
        entries.append({"token": FIELD_TOKEN, "role": "field", "name": FIELD_NAME, "resource": "R0001"})
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
async def browser():
    """A headless system chromium (skips when it or Playwright is missing)."""
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (scripts/bootstrap.sh installs it)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture
async def phone(browser):
    """A 360×640 touch screen in Chinese: the page's smallest target."""
    context = await browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        yield context
    finally:
        await context.close()


def shot_path(name: str) -> Path:
    """Where screenshot `name` goes (the folder is made)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"final13-{name}.png"
