"""The catalogues are complete, current and clean, and every code a person sees has a text."""

import ast
from collections.abc import Mapping
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from services.core.case import CaseStatus
from services.core.facts import FactKind
from services.core.organisations import OrgKind
from services.core.records import ActionKind, AlertRule, AlertState, Severity
from services.core.tasks import Priority, TaskKind
from services.core.vocabulary import Category, ContactRole, DismissalReason, TaskStatus
from services.handover.decide import BUILDERS
from services.handover.network_changes import on_referral_progress
from services.i18n import labels
from services.i18n.catalogue import catalogue
from services.i18n.extraction import Key, extract, keys, pot_path
from services.i18n.labels import Label
from services.i18n.languages import LANGUAGES, Language
from services.i18n.texts import texts
from services.operator.actions import NOT_SENT_NO_BASIS
from services.operator.stream import FeedStatus
from services.operator.tracks import UNKNOWN_KIND
from services.operator.views import ISSUED, NO_TASK_YET, TASK_ISSUED
from tests.support.dead_letters import ROOT, dead_letter_reasons

CODES: dict[str, tuple[Mapping[str, Label], set[str]]] = {
    "alert rules": (labels.RULES, {r.value for r in AlertRule}),
    "severities": (labels.SEVERITIES, {s.value for s in Severity}),
    "alert states": (labels.ALERT_STATES, {s.value for s in AlertState}),
    "dead-letter reasons": (labels.DEAD_LETTER_REASONS, dead_letter_reasons()),
    "task kinds": (labels.TASK_KINDS, {k.value for k in TaskKind}),
    "task statuses": (labels.TASK_STATUSES, {s.value for s in TaskStatus} | {ISSUED}),
    "priorities": (labels.PRIORITIES, {p.value for p in Priority}),
    "fact kinds": (labels.FACT_KINDS, {k.value for k in FactKind}),
    "case statuses": (labels.CASE_STATUSES, {s.value for s in CaseStatus}),
    "organisation kinds": (labels.ORG_KINDS, {k.value for k in OrgKind} | {UNKNOWN_KIND}),
    "feed statuses": (labels.FEED_STATUSES, {s.value for s in FeedStatus}),
    "contact roles": (labels.CONTACT_ROLES, {r.value for r in ContactRole}),
    "dismissal reasons": (labels.DISMISSAL_REASONS, {r.value for r in DismissalReason}),
    "data categories": (labels.CATEGORIES, {c.value for c in Category}),
    "operator actions": (
        labels.OPERATOR_ACTIONS,
        {a.value for a in ActionKind} | {NOT_SENT_NO_BASIS, TASK_ISSUED, NO_TASK_YET},
    ),
}
"""Each label table with the codes the code can produce, read from its enums and call sites."""


@cache
def extracted() -> dict[Key, set[str]]:
    return keys(extract())


def untranslated(messages: Catalog) -> list[str]:
    return sorted(str(m.id) for m in messages if m.id and not m.string)


def fuzzy(messages: Catalog) -> list[str]:
    return sorted(str(m.id) for m in messages if m.id and m.fuzzy)


def placeholders(text: str) -> set[str]:
    return {part.split("}")[0] for part in text.split("{")[1:]}


@pytest.mark.parametrize("table", sorted(CODES))
def test_every_code_has_a_text(table: str) -> None:
    """Each code of the enums and DLQ call sites has a label (a new code without one fails)."""
    texts, codes = CODES[table]
    assert sorted(codes - set(texts)) == [], f"{table} without a text in services/i18n/labels.py"


def task_reason_codes() -> set[str]:
    """Literal `reason_code=` / `reason=` of the task builders, and the fact kinds that pass
    their own code as the reason (referral feedback)."""
    found = {kind.value for kind, build in BUILDERS.items() if build is on_referral_progress}
    for package in ("handover", "followup"):
        for module in (ROOT / "services" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text("utf-8"))):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg in {"reason_code", "reason"}
                    and isinstance(node.value, ast.Constant)
                ):
                    found.add(str(node.value.value))
    return found


def test_every_task_reason_has_a_text() -> None:
    """Each task reason code the builders write has a text of its own."""
    assert len(task_reason_codes()) > 10
    assert sorted(c for c in task_reason_codes() if texts("en").task_reason(c) == c) == []


def test_coded_task_reasons_read_as_words() -> None:
    """The checkpoint and no-successor families are written out with their number and role."""
    assert texts("fi").task_reason("followup_checkpoint_30_days") == (
        "Seuranta 30 päivää vapautumisen jälkeen"
    )
    assert texts("sv").task_reason("no_successor_named_worker") == (
        "Efterträdare saknas: egen kontaktperson"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: Language) -> None:
    """No message of the catalogue has an empty translation."""
    assert untranslated(catalogue(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy_or_obsolete(language: Language) -> None:
    """No guessed (fuzzy) translation, no header marked fuzzy, no obsolete (#~) entries."""
    messages = catalogue(language)
    assert fuzzy(messages) == []
    assert not messages.fuzzy
    assert dict(messages.obsolete) == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_matches_the_extraction(language: Language) -> None:
    """The catalogue holds exactly what the code, templates and script show, from those files.

    Fails on a stale entry, a missing one, or one now shown from another file; fix it with
    `jatkumo messages update` and translate what it adds.
    """
    assert keys(catalogue(language)) == extracted()


def test_template_file_matches_the_extraction() -> None:
    """The .pot template is the current extraction."""
    with pot_path().open("rb") as source:
        assert keys(read_po(source)) == extracted()


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: Language) -> None:
    """Every `{name}` of a message is in its translation, and no other."""
    wrong = [
        str(m.id)
        for m in catalogue(language)
        if m.id and placeholders(str(m.id)) != placeholders(str(m.string))
    ]
    assert wrong == []


def test_the_checks_see_an_untranslated_and_a_fuzzy_entry() -> None:
    """The detectors flag a made-up catalogue (guards against a vacuous pass)."""
    made_up = Catalog(locale="fi")
    made_up.add("Translated", "Käännetty")
    made_up.add("Forgotten", "")
    made_up.add("Guessed", "Arvattu", flags=["fuzzy"])
    assert untranslated(made_up) == ["Forgotten"]
    assert fuzzy(made_up) == ["Guessed"]


def test_a_stale_entry_differs_from_the_extraction() -> None:
    """A catalogue with one message more than the code shows does not match the extraction."""
    stale = extract()
    stale.add("A text nothing shows any more", "Teksti, jota mikään ei enää näytä")
    assert keys(stale) != extracted()
