"""One task as a line of text for `jatkumo tasks tail`: what it asks, and what it may tell."""

from rich.text import Text

from services.core.calendar import HELSINKI
from services.core.tasks import Priority, Task

PERSONAL = ("identity_code", "full_name", "phone", "referral_summary")
PRIORITY_STYLE = {Priority.NORMAL: "", Priority.HIGH: "yellow", Priority.URGENT: "bold red"}


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ",".join(f"{v['role']}@{v['org']}" if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def task_line(task: Task, *, show_personal: bool = False) -> Text:
    """Kind, due date, person_ref, shared fields (personal ones masked), withheld categories."""
    payload = task.payload.model_dump(exclude_none=True)
    fields = []
    for name, value in payload.items():
        if name in PERSONAL and not show_personal:
            fields.append(f"{name}=•••")
        else:
            fields.append(f"{name}={_shown(value)}")
    line = Text()
    line.append(f"{task.created_at.astimezone(HELSINKI):%Y-%m-%d %H:%M} ", style="dim")
    line.append(f"{task.kind.value:24}", style=PRIORITY_STYLE[task.priority] or "bold")
    line.append(f" due {task.due_at.astimezone(HELSINKI):%Y-%m-%d} {task.priority.value:6} ")
    line.append(f"{task.person_ref[:14]}… ", style="cyan")
    line.append(f"task {task.task_id} ", style="dim")
    line.append(f"reason={task.reason_code} ")
    line.append(" ".join(fields) or "(no personal data)")
    if task.withheld_categories:
        line.append(
            " withheld=" + ",".join(c.value for c in task.withheld_categories), style="magenta"
        )
    if task.bases:
        line.append(" basis=" + ",".join(b.kind.value for b in task.bases), style="green")
    return line
