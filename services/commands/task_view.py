"""One task as a line of text for `jatkumo tasks tail`: what it asks, and what it may tell.

The words are the reader's (task kind, due date, priority); the shared fields are listed by
their wire names (`needs=housing`), as the receiving system reads them.
"""

from rich.text import Text

from services.core.tasks import Priority, Task
from services.i18n.labels import PRIORITIES, TASK_KINDS
from services.i18n.texts import Texts, texts

PERSONAL = ("identity_code", "full_name", "phone", "referral_summary")
PRIORITY_STYLE = {Priority.NORMAL: "", Priority.HIGH: "yellow", Priority.URGENT: "bold red"}


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ",".join(f"{v['role']}@{v['org']}" if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def task_line(task: Task, *, show_personal: bool = False, words: Texts | None = None) -> Text:
    """Kind, due date, person_ref, shared fields (personal ones masked), withheld categories."""
    words = words or texts("en")
    payload = task.payload.model_dump(exclude_none=True)
    fields = []
    for name, value in payload.items():
        if name in PERSONAL and not show_personal:
            fields.append(f"{name}=•••")
        else:
            fields.append(f"{name}={_shown(value)}")
    line = Text()
    line.append(f"{words.instant(task.created_at):21}", style="dim")
    kind = words.label(TASK_KINDS, task.kind.value)
    line.append(f"{kind:28}", style=PRIORITY_STYLE[task.priority] or "bold")
    due = words.gettext("due {date}", date=words.day(task.due_at.date()))
    line.append(f" {due:20} {words.label(PRIORITIES, task.priority.value):12} ")
    line.append(f"{task.person_ref[:14]}… ", style="cyan")
    line.append(words.gettext("task {task_id}", task_id=task.task_id) + " ", style="dim")
    line.append(f"{words.task_reason(task.reason_code)} ", style="italic")
    line.append(f"reason={task.reason_code} ")
    line.append(" ".join(fields) or words.gettext("(no personal data)"))
    if task.withheld_categories:
        line.append(
            " withheld=" + ",".join(c.value for c in task.withheld_categories), style="magenta"
        )
    if task.bases:
        line.append(" basis=" + ",".join(b.kind.value for b in task.bases), style="green")
    return line
