"""Domain: entities, apply(state, event), rules, SLA clock, recommendation. No Qt, no I/O."""
