"""Tables of the local store (SQLAlchemy Core).

One metadata for hub and console files alike: a hub uses the event log, snapshots
and command results; a console uses the outbox, settings and its own audit trail.
Unused tables cost nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# On SQLite only "INTEGER PRIMARY KEY" aliases the rowid; BIGINT would add a
# second b-tree and slow every insert.
_SeqType = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("seq", _SeqType, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("ts", Double, nullable=False),
    # The encoded envelope exactly as sent on the wire, so resume can resend it
    # byte for byte without re-encoding.
    Column("data", LargeBinary, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("seq", _SeqType, primary_key=True, autoincrement=False),
    Column("created", Double, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# A command id is scoped by its sender (the principal's name, `actor`): two principals may
# use the same id. Rows older or more than the bound in store/commands.py are pruned.
command_results = Table(
    "command_results",
    metadata,
    Column("actor", String(128), primary_key=True),
    Column("command_id", String(128), primary_key=True),
    Column("created", Double, nullable=False),
    Column("result", LargeBinary, nullable=False),
    Index("ix_command_results_created", "created"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", _SeqType, primary_key=True, autoincrement=False),
    Column("ts", Double, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(128), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("pos", Integer, primary_key=True, autoincrement=True),
    Column("command_id", String(128), nullable=False, unique=True),
    Column("created", Double, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("confirmed", Double, nullable=True),  # NULL while pending
    Column("result", LargeBinary, nullable=True),
)

#: facts about the log itself: `epoch`, an id made when the hub's log is first used, so a
#: client can tell this log from another one that happens to hold the same seqs
log_meta = Table(
    "log_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

#: a federated hub's outgoing hand-offs (console/hub/federation.py): kept from the moment a
#: console's command is taken until JetStream acknowledged it, so one made while NATS is away is
#: sent when the link returns, and one made before a crash is sent by the restarted hub
handoff_outbox = Table(
    "handoff_outbox",
    metadata,
    Column("pos", Integer, primary_key=True, autoincrement=True),
    Column("msg_id", String(400), nullable=False, unique=True),  # the Nats-Msg-Id it goes with
    Column("to_center", String(128), nullable=False),
    Column("created", Double, nullable=False),
    Column("headers", Text, nullable=False),  # JSON object
    Column("data", LargeBinary, nullable=False),
    Column("sent", Double, nullable=True),  # NULL until JetStream acknowledged it
)

#: incidents that left the hub's live state (an `incidents_archived` event), one flat row each
#: (console/domain/casesearch.CaseHit): the search of past cases reads them; the log still holds
#: every event, this is only what a search asks about, indexed
incident_archive = Table(
    "incident_archive",
    metadata,
    Column("incident", String(128), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("town", String(128), nullable=False),
    Column("grid", String(128), nullable=False),
    Column("stage", String(32), nullable=False),  # "" for an incident on the emergency promise
    Column("created", Double, nullable=False),
    Column("people", Text, nullable=False),
    Column("words", Text, nullable=False),  # title and text, case-folded: what a text search reads
    Column("data", LargeBinary, nullable=False),  # the CaseHit as JSON
    Index("ix_incident_archive_created", "created"),
    Index("ix_incident_archive_town_kind", "town", "kind"),
)
