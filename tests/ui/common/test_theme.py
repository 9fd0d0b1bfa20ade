"""The theme: a CJK font is installed and chosen, and every resource status has its colour."""

import pytest

pytestmark = pytest.mark.ui


def test_theme_has_a_cjk_font(qapp):
    from console.ui.common.theme import RESOURCE_STATUS_COLORS, apply_theme

    family = apply_theme(qapp)
    assert family is not None, "no CJK font installed: Chinese would render as tofu"
    assert set(RESOURCE_STATUS_COLORS) == {"off_duty", "available", "dispatched", "en_route", "on_scene", "busy"}
