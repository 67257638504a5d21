"""What is known of a scanned pass right now: a :class:`kiosk.scanning.rules.Lookup`.

Online, the API answers (the pass template's variables come from the catalog). Offline, or
when the call fails in a way worth retrying, the pass cache answers, and the venue fleet adds
what another door knows (say, that the pass was voided there); such a failure also takes the
kiosk offline and hands the probing to the uploader. An answer the kiosk cannot read is not
an outage: the kiosk stays online and the scan admits nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.fleet.fleet import Fleet
from kiosk.journal import Journal
from kiosk.logs import log_event
from kiosk.passfacts import PassFacts
from kiosk.scanning.connectivity import Connectivity, sentence
from kiosk.scanning.refresh import TemplateCatalog
from kiosk.scanning.rules import Lookup, LookupOutcome
from kiosk.tiketo import (
    GraphQLErrors,
    Pass,
    PassNotFound,
    RateLimited,
    RetryLater,
    TiketoClient,
    Unauthorized,
    UnreadableAnswer,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassLookup:
    """Looks codes up for the door; thread-safe, like the client and the journal it uses."""

    client: TiketoClient  # the door's own client (short timeouts)
    link: Connectivity
    journal: Journal  # its pass cache
    templates: TemplateCatalog
    fleet: Fleet | None
    on_outage: Callable[[], None]  # a call failed in a way worth retrying: probe from now on
    clock: Callable[[], datetime]

    def look_up(self, code: str) -> Lookup:
        if self.link.needs_provisioning:
            return Lookup(LookupOutcome.UNAUTHORIZED, reason=self.link.snapshot().reason)
        if not self.link.online:
            return self._offline(code, self.link.snapshot().reason)
        try:
            found = self.client.pass_by_scan_code(code)
        except PassNotFound:
            return Lookup(LookupOutcome.NOT_FOUND)
        except Unauthorized as exc:
            self.link.unauthorized(str(exc), self.clock())
            return Lookup(LookupOutcome.UNAUTHORIZED, reason=str(exc))
        except RetryLater as exc:
            retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
            self.link.failed(str(exc), self.clock(), retry_after)
            self.on_outage()
            return self._offline(code, str(exc))
        except UnreadableAnswer as exc:  # the server answered: it is not an outage
            log_event(log, "lookup", logging.WARNING, result="unreadable", reason=str(exc))
            return Lookup(LookupOutcome.UNREADABLE, reason=_unreadable_reason(exc))
        except Exception as exc:  # an unexpected client failure must not stop the door, and
            log.exception("Pass lookup failed")  # an answer we failed to read admits nobody
            return Lookup(
                LookupOutcome.UNREADABLE,
                reason=(
                    f"The pass lookup failed ({type(exc).__name__}); the server's answer could "
                    "not be read."
                ),
            )
        found = found.with_variables(self.templates.variables_for(found.template_id))
        return Lookup(LookupOutcome.FOUND, _facts(found))

    def _offline(self, code: str, reason: str | None) -> Lookup:
        try:
            cached = self.journal.cached_pass(code)
        except Exception:
            log.exception("Pass cache unreadable")
            cached = None
        facts = None if cached is None else cached.facts
        if self.fleet is not None:  # another door may know it is voided or expired
            try:
                facts = self.fleet.apply_facts(code, facts)
            except Exception:
                log.exception("Fleet pass facts unreadable")
        return Lookup(LookupOutcome.OFFLINE, facts, reason)


def _unreadable_reason(exc: UnreadableAnswer) -> str:
    """The verdict's sentence: the server's own message when it refused, else what failed."""
    if isinstance(exc, GraphQLErrors):
        return sentence(str(exc))
    return f"The server answered something the kiosk cannot read ({str(exc).rstrip('.')})."


def _facts(found: Pass) -> PassFacts:
    return PassFacts(
        pass_id=found.id,
        holder=found.holder_name,
        voided=found.voided,
        expires_at=found.expiration_date,
        pass_type=found.type,
        template_name=found.template_name,
        scan_config=found.project.scan_config if found.project else {},
        project_id=found.project.id if found.project else None,
        template_id=found.template_id,
    )
