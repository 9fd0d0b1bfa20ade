"""`field.enrol`: a commander asks the hub for a person's field-page token, or revokes it.

The hub owns the tokens (console/hub/auth.py), so a console anywhere can enrol a phone
from the roster without access to the tokens file. The answer is a `result` with the
new token and the page's enrolment URL, sent to the asking console only: it is not an
event, is not logged and is not kept for a retried id (a retry mints another token,
which ends the one before, as any new enrolment does). Issuing a new token and revoking
both close the person's open page sessions at once (close code 4401).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from console.domain.commands import FIELD_ENROL, PERMISSIONS
from console.hub.auth import Principal, TokenError
from console.protocol import messages as m

log = logging.getLogger(__name__)


def field_name(resource: str, person: str) -> str:
    """The principal name of a person's page: their name and id, so it is unique and readable."""
    return f"{person}（{resource}）" if person else resource


def field_enrol(server, principal: Principal, body: m.FieldEnrol) -> m.Result:
    """Issue (or revoke) the token of `body.resource`'s field page; the result to answer with."""
    if FIELD_ENROL not in PERMISSIONS.get(principal.role, ()):
        return m.Result(ok=False, code="forbidden", message=f"role {principal.role} may not enrol field pages")
    core = server.core
    if core.read_only:
        return m.Result(ok=False, code="review_only", message="a replaying hub enrols no field pages")
    res = core.state.resources.get(body.resource)
    if res is None and not body.revoke:
        return m.Result(ok=False, code="not_found", message=f"no person {body.resource}")
    if principal.center is not None and res is not None and res.town != principal.center:
        return m.Result(ok=False, code="out_of_scope", message=f"{body.resource} is not in {principal.center}'s area")
    try:
        if body.revoke:
            n = server.tokens.revoke_field(body.resource)
            token = None
        else:
            token = server.tokens.issue_field(body.resource, field_name(body.resource, res.name))
            n = 1
    except (TokenError, OSError) as exc:
        return m.Result(ok=False, code="internal", message=f"the tokens file cannot be changed: {exc}"[:500])
    closed = server.close_revoked()
    core.counters["field_revoked" if body.revoke else "field_enrolled"] += 1
    log.warning("field page of %s %s by %s (%d token(s), %d session(s) closed)", body.resource,
                "revoked" if body.revoke else "enrolled", principal.name, n, closed)
    if token is None:
        return m.Result(ok=True, message=f"{n} token(s) revoked, {closed} session(s) closed")
    base = server.pages.public_url or server.page_url
    return m.Result(ok=True, token=token, url=f"{base}#token={quote(token, safe='')}")
