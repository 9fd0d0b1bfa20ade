"""Domain: entities, apply(state, event), rules, SLA clock, recommendation, KPIs.

No Qt, no I/O, no human text: it records codes and figures; the UI says them in words.
"""
