"""The wall's camera list follows the site while it runs: added cameras join, removed ones leave."""

from __future__ import annotations

from console.video.plan import Paging


def test_a_camera_added_to_the_site_joins_the_every_camera_list_and_a_removed_one_leaves_it():
    paging = Paging(n=4)
    paging.reload({"CAM01", "CAM02"})
    assert paging.follow({"CAM01", "CAM02"}) is False, "nothing new: no relayout"
    assert paging.follow({"CAM01", "CAM02", "CAM03"}) is True
    assert paging.cameras == ["CAM01", "CAM02", "CAM03"]
    paging.focus = "CAM02"
    assert paging.follow({"CAM01", "CAM03"}) is True
    assert paging.cameras == ["CAM01", "CAM03"] and paging.focus is None


def test_a_recalled_view_keeps_its_own_cameras_when_the_site_adds_one():
    paging = Paging(n=4)
    paging.reload({"CAM01", "CAM02", "CAM03"}, ["CAM03", "CAM01"])
    assert paging.follow({"CAM01", "CAM02", "CAM03", "CAM04"}, ["CAM03", "CAM01"]) is False
    assert paging.cameras == ["CAM03", "CAM01"]
    assert paging.follow({"CAM01", "CAM02"}, ["CAM03", "CAM01"]) is True, "a view's camera was removed"
    assert paging.cameras == ["CAM01"]
