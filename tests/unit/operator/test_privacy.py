"""No output of the operator view carries identity, contact data, free text or worker refs."""

from datetime import date
from typing import Any

from pydantic import BaseModel

from services.core.case import CaseStatus, ContactPerson
from services.core.facts import FactKind
from services.core.records import AlertRule
from services.core.tasks import TaskKind
from services.core.vocabulary import ContactRole, TaskStatus
from services.operator import views
from services.operator.projection import OperatorProjection
from tests.unit.operator.builders import (
    ALERT_SUBJECT,
    COUNTY,
    FULL_NAME,
    IDENTITY_CODE,
    PHONE,
    SEALED_IDENTITY,
    SEALED_SUMMARY,
    WORKER_REF,
    alert,
    at,
    case,
    days,
    dead_letter,
    disclosure,
    fact,
    referral,
    status_fact,
)

DAY = at(date(2025, 3, 3), 9)
FORBIDDEN_VALUES = (
    IDENTITY_CODE,
    FULL_NAME,
    PHONE,
    SEALED_IDENTITY,
    SEALED_SUMMARY,
    WORKER_REF,
    ALERT_SUBJECT,
)
FORBIDDEN_FIELDS = (
    "identity_code",
    "full_name",
    "phone",
    "sealed_identity",
    "sealed_summary",
    "worker_ref",
    "successor_worker_ref",
    "detail",
    "original",
    "subject",
    "summary_text",
)


def busy_view() -> OperatorProjection:
    """Every kind of input, each carrying personal data where its type allows it."""
    successor = ContactPerson(
        role=ContactRole.NAMED_WORKER, org=COUNTY, worker_ref=WORKER_REF, since=DAY
    )
    c = case(referrals=[referral(DAY, DAY + days(1))], contacts=[successor])
    released = c.model_copy(update={"status": CaseStatus.RELEASED, "released_at": DAY + days(2)})
    view = OperatorProjection()
    for record in (
        fact(FactKind.CASE_OPENED, c, DAY),
        fact(
            FactKind.CONTACT_PERSON_ASSIGNED,
            c,
            DAY + days(0.5),
            source=COUNTY,
            contact=successor,
            successor_worker_ref=WORKER_REF,
        ),
        fact(FactKind.RELEASED, released, DAY + days(2)),
        status_fact(released, "t1", TaskStatus.ACCEPTED, DAY + days(3)),
        disclosure("t1", TaskKind.RELEASED, DAY + days(2)),
        alert("a1", opened=DAY + days(1)),
        alert("a2", opened=DAY, resolved=DAY + days(1), rule=AlertRule.CONTACT_VACANCY),
        alert("a3", opened=DAY, area=None, person_ref="person-2"),
        dead_letter("d1", "invalid_record", DAY),
    ):
        assert view.apply(record)
    return view


def every_output(view: OperatorProjection) -> list[str]:
    now = DAY + days(4)
    outputs: list[BaseModel] = [view.open_alerts(now), view.summary(now)]
    for person_ref in ("person-1", "person-2"):
        timeline = view.timeline(person_ref, now)
        assert timeline is not None
        outputs.append(timeline)
    return [output.model_dump_json() for output in outputs]


def test_outputs_contain_no_identity_code_name_phone_sealed_token_or_worker_ref() -> None:
    """The JSON of every output is free of the personal values present in the inputs."""
    for text in every_output(busy_view()):
        for value in FORBIDDEN_VALUES:
            assert value not in text


def test_outputs_are_not_empty() -> None:
    """The privacy scan reads real content (guards against a vacuous pass)."""
    texts = every_output(busy_view())
    assert "person-1" in texts[0]
    assert "released" in texts[1]
    assert "contact_person_assigned" in texts[2]


def _field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(name)
        annotation: Any = info.annotation
        for inner in getattr(annotation, "__args__", ()) or (annotation,):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                names |= _field_names(inner)
    return names


def test_view_models_declare_no_personal_fields() -> None:
    """No output model has a field that could hold identity, contact data or free text."""
    models = [
        value
        for value in vars(views).values()
        if isinstance(value, type) and issubclass(value, views.View)
    ]
    assert len(models) > 10
    for model in models:
        assert not _field_names(model) & set(FORBIDDEN_FIELDS), model.__name__
