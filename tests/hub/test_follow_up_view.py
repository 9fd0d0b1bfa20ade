"""A phone sees its own answer to a follow-up check (举一反三), never another grid worker's."""

from __future__ import annotations

from console.domain.model import Broadcast
from console.hub.views import field_message


def test_a_recipient_sees_only_its_own_answer_and_note():
    message = Broadcast(id="I-R00001-B1", incident="I-R00001", grids=["G1", "G2"], recipients=["R1", "R2"],
                        text="举一反三", kind="follow_up", actor="值班长", at=1.0, acked={"R1": 2.0, "R2": 3.0},
                        answers={"R1": "found", "R2": "clear"}, notes={"R1": "山脚也有", "R2": "无"})
    mine = field_message(message, "R2")
    assert (mine.recipients, mine.acked, mine.answers, mine.notes) == (["R2"], {"R2": 3.0}, {"R2": "clear"},
                                                                      {"R2": "无"})
    assert field_message(message, "R3").answers == {}
