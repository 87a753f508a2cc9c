"""How `jatkumo tasks tail` shows a task: personal fields masked unless asked for."""

from datetime import UTC, datetime

from services.commands.task_view import task_line
from services.core.tasks import Basis, BasisKind, Priority, Task, TaskKind, TaskPayload
from services.core.vocabulary import Category, Need
from services.i18n.texts import texts

CODE = "010190-9012"
NAME = "Testi Henkilö 0001"


def _task() -> Task:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    payload = TaskPayload.model_validate(
        {"identity_code": CODE, "full_name": NAME, "needs": [Need.HOUSING]}
    )
    return Task(
        task_id="t-1",
        kind=TaskKind.RELEASED,
        case_id="c",
        person_ref="p-" + "b" * 40,
        recipient_org="county-13",
        created_at=at,
        due_at=at,
        priority=Priority.HIGH,
        reason_code="first_meeting",
        payload=payload,
        rules_version="1",
        withheld_categories=[Category.SENTENCE],
        bases=[Basis(kind=BasisKind.CONSENT, ref="consent-1")],
    )


def test_identity_is_masked_by_default() -> None:
    """The line names the shared fields but never prints the identity code or the name."""
    text = task_line(_task()).plain
    assert "identity_code=•••" in text
    assert CODE not in text
    assert NAME not in text
    assert "needs=housing" in text


def test_identity_is_shown_when_asked() -> None:
    """--show-personal prints what the recipient actually received."""
    text = task_line(_task(), show_personal=True).plain
    assert CODE in text
    assert NAME in text


def test_withheld_categories_and_bases_are_listed() -> None:
    """The line says what the policy withheld and on which basis the rest was shared."""
    text = task_line(_task()).plain
    assert "withheld=sentence" in text
    assert "basis=consent" in text


def test_finnish_line_names_the_kind_due_date_and_priority_in_finnish() -> None:
    """With Finnish texts the kind, due date and priority read in Finnish; codes stay codes."""
    text = task_line(_task(), words=texts("fi")).plain
    assert "Vapautuminen" in text
    assert "määräaika 2.3.2026" in text
    assert "korkea" in text
    assert "2.3.2026 klo 12.00" in text
    assert "withheld=sentence" in text
