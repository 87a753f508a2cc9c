"""How each sender names the person: the Criminal Sanctions Agency's units by the identity code
they hold, every other organisation by the `person_ref` its tasks carried.

A temporary identity code is unique only within the controller that issued it, so a county or
an NGO that sent the Agency's temporary code would name somebody else; they answer with the
pseudonymous reference instead, as their systems do.
"""

from collections.abc import Callable

from services.core.events import InboundEvent
from services.core.organisations import is_agency_unit


def as_named_by_sender(
    event: InboundEvent, org: str, person_ref_of: Callable[[str], str]
) -> InboundEvent:
    """The event as `org` publishes it; `person_ref_of` turns an identity code into the
    person_ref its tasks carried (`services.core.identity.person_ref` under the service's key)."""
    if event.identity_code is None or is_agency_unit(org):
        return event
    ref = person_ref_of(event.identity_code)
    return event.model_copy(update={"identity_code": None, "person_ref": ref})
