"""cases.toml: a site's case catalog and working hours, checked like every other file and
carried to consoles in the baseline and, on a re-import, as `case_types_changed`."""

from pathlib import Path

from console.domain.apply import apply
from console.domain.state import State
from console.protocol.codec import Message
from console.site import check_site, load_site, site_changes

from tests.site.sitefolder import write_site

MARATHON = Path(__file__).resolve().parents[2] / "resources" / "sites" / "marathon"

ROCKFALL = '''work_hours = ["09:00-12:00", "13:30-18:00"]

[[case_type]]
code = "rockfall"
zh = "道路落石"
en = "Rockfall on a road"
promise = "working_hours"
limit = 2
responsible = ["law_enforcement"]
departments = ["综合执法"]
photo_required = true
'''


def _fold(state, events):
    for i, (t, body) in enumerate(events, state.seq + 1):
        apply(state, Message(t, body, i, 1000.0 + i))


def test_the_marathon_site_has_a_case_type_for_every_alert_kind():
    from console.domain.model import ALERT_KINDS, HEALTH_KINDS

    b = load_site(MARATHON).baseline
    types = {t.code: t for t in b.case_types}
    assert set(types) == set(ALERT_KINDS) - HEALTH_KINDS  # the hub's health alarms are no citizen's case
    assert b.work_hours == ["08:30-12:00", "14:00-17:30"]
    assert types["crowd_density"].promise == "emergency" and types["crowd_density"].plan == "P01"
    rock = types["rockfall"]
    assert (rock.zh, rock.promise, rock.limit, rock.photo_required, rock.plan) == (
        "道路落石", "working_hours", 2, True, "P07")
    assert types["other"].promise == "working_days"


def test_a_site_without_cases_toml_has_no_case_types(tmp_path):
    b = load_site(write_site(tmp_path / "s")).baseline
    assert b.case_types == [] and b.work_hours == []


def test_every_problem_in_cases_toml_is_named_by_row(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "cases.toml").write_text(
        'work_hours = ["08:30-12:00", "11:00-17:30"]\n\n'
        '[[case_type]]\ncode = "rockfall"\nzh = "落石"\nen = "Rockfall"\npromise = "working_hours"\nlimit = 0\n\n'
        '[[case_type]]\ncode = "meteor"\nzh = "陨石"\nen = "Meteor"\n\n'
        '[[case_type]]\ncode = "debris"\nzh = "杂物"\nen = "Debris"\nplan = "P99"\n\n'
        '[[case_type]]\ncode = "fall"\nzh = "倒地"\nen = "Fall"\nresponsible = ["doctor"]\n',
        encoding="utf-8")
    site, errors = check_site(folder)
    assert site is None
    found = [(e.file, e.row) for e in errors]
    assert found == [("cases.toml", 1), ("cases.toml", 3), ("cases.toml", 10), ("cases.toml", 15),
                     ("cases.toml", 21)]
    messages = " | ".join(e.message for e in errors)
    for words in ("overlap", "limit", "meteor", "P99", "responsible"):
        assert words in messages


def test_a_bad_toml_file_is_named_with_its_line(tmp_path):
    folder = write_site(tmp_path / "s")
    (folder / "cases.toml").write_text('[[case_type]]\ncode = "rockfall\n', encoding="utf-8")
    _, errors = check_site(folder)
    assert errors and errors[0].file == "cases.toml" and errors[0].row == 2


def test_a_changed_catalog_reaches_a_console_as_one_event(tmp_path):
    folder = write_site(tmp_path / "s")
    state = State()
    events = site_changes(state, load_site(folder).baseline).events
    _fold(state, events)
    assert state.case_types == {}
    (folder / "cases.toml").write_text(ROCKFALL, encoding="utf-8")
    events = site_changes(state, load_site(folder).baseline).events
    assert [t for t, _ in events] == ["case_types_changed"]
    _fold(state, events)
    assert state.case_types["rockfall"].limit == 2 and state.work_hours == ["09:00-12:00", "13:30-18:00"]
    # unchanged: nothing to send
    assert site_changes(state, load_site(folder).baseline)[0] == []
