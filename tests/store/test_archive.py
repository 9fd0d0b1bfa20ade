"""The store's archive of past incidents: kept once per incident, searched like the live state."""

from __future__ import annotations

from console.domain.casesearch import CaseHit, CaseQuery, matches
from console.store import Store

T0 = 1_790_000_000.0


def _hit(n: int, **kw) -> CaseHit:
    base = dict(incident=f"I-R{n:05d}", kind="debris", title=f"枯枝 {n}", town="T1", grid="T1-C01-G1",
                status="closed", created_at=T0 + n * 60, closed_at=T0 + n * 60 + 30, stage="closed",
                people="R0001 张伟", text="已清运")
    return CaseHit(**{**base, **kw})


HITS = [
    _hit(1),
    _hit(2, kind="rockfall", title="公墓路落石", town="T2", grid="T2-C01-G1", people="R0002 李娜", text="防护网 100%"),
    _hit(3, title="Dead wood", text="cleared_by crew"),
    _hit(4, stage="", kind="fire", title="枯枝着火"),  # an emergency incident: no case file
]
QUERIES = [
    CaseQuery(), CaseQuery(cases_only=False), CaseQuery(text="枯枝"), CaseQuery(text="dead WOOD"),
    CaseQuery(kind="rockfall"), CaseQuery(town="T1"), CaseQuery(grid="T2-C01-G1"), CaseQuery(person="李娜"),
    CaseQuery(person="r0001"), CaseQuery(since=T0 + 120, until=T0 + 181), CaseQuery(text="100%"),
    CaseQuery(text="_by"), CaseQuery(text="%"), CaseQuery(limit=2),
]


def test_the_archives_sql_answers_each_query_as_the_domains_rule_does(tmp_db_url):
    with Store(tmp_db_url) as s:
        assert s.keep_archived(HITS) == 4
        assert s.keep_archived([_hit(1, title="枯枝 1（改）")]) == 1  # kept again: replaced, not doubled
        kept = [_hit(1, title="枯枝 1（改）"), *HITS[1:]]
        for q in QUERIES:
            want = sorted((h for h in kept if matches(h, q)), key=lambda h: -h.created_at)[:q.limit]
            got = s.search_archive(q)
            assert [h.incident for h in got] == [h.incident for h in want], q
            assert all(h.archived for h in got)
        assert [h.incident for h in s.search_archive(CaseQuery(), towns={"T2"})] == ["I-R00002"]
    with Store(tmp_db_url) as s:  # on disk
        assert s.search_archive(CaseQuery(text="改"))[0].title == "枯枝 1（改）"
