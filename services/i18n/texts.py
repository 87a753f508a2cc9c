"""Everything a person reads, in one language: messages, code labels, dates, numbers, counties.

Dates and times are shown in Europe/Helsinki as Finns write them (`7.12.2026 klo 14.00`,
`7.12.2026 kl. 14.00`); numbers and percentages follow fi_FI, sv_FI or en_GB. County
names are Finnish or Swedish after the reader's language; English readers get the Finnish
name, as the counties have no official English names.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from babel.dates import format_date, format_time, get_timezone
from babel.numbers import format_decimal, format_percent

from services.core import reference
from services.i18n.catalogue import translations
from services.i18n.labels import (
    CONTACT_ROLES,
    FOLLOWUP_CHECKPOINT,
    NO_SUCCESSOR,
    TASK_REASONS,
    Label,
)
from services.i18n.languages import Language

HELSINKI = get_timezone("Europe/Helsinki")
BABEL_LOCALES: Mapping[Language, str] = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
DATE_FORMATS: Mapping[Language, str] = {"fi": "short", "sv": "short", "en": "medium"}
"""`d.M.y` in Finnish and Finland-Swedish; `7 Dec 2026` in English (no day-month doubt)."""
COUNTY_PREFIX = "county-"
CHECKPOINT = re.compile(r"^followup_checkpoint_(\d+)_days$")
NO_SUCCESSOR_PREFIX = "no_successor_"


@dataclass(frozen=True)
class Texts:
    language: Language

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.language]

    def gettext(self, msgid: str, /, **values: object) -> str:
        """Translate a message; with values, fill in its `{name}` placeholders."""
        text = str(translations(self.language).gettext(msgid))
        return text.format(**values) if values else text

    def pgettext(self, context: str, msgid: str, /) -> str:
        return str(translations(self.language).pgettext(context, msgid))

    def label(self, table: Mapping[str, Label], code: str) -> str:
        """The text of a code; the code itself when the table does not know it."""
        entry = table.get(code)
        return self.pgettext(*entry) if entry is not None else code

    def task_reason(self, code: str) -> str:
        """A task's reason code in words, including the coded families (checkpoints, roles)."""
        checkpoint = CHECKPOINT.match(code)
        if checkpoint:
            return self.pgettext(*FOLLOWUP_CHECKPOINT).format(days=int(checkpoint.group(1)))
        if code.startswith(NO_SUCCESSOR_PREFIX):
            role = self.label(CONTACT_ROLES, code.removeprefix(NO_SUCCESSOR_PREFIX))
            return self.pgettext(*NO_SUCCESSOR).format(role=role)
        return self.label(TASK_REASONS, code)

    def day(self, value: date) -> str:
        return format_date(value, DATE_FORMATS[self.language], locale=self.locale)

    def instant(self, value: datetime) -> str:
        """An instant in Helsinki time: `7.12.2026 klo 14.00` (fi)."""
        local = value.astimezone(HELSINKI)
        return self.gettext(
            "{date} at {time}",
            date=self.day(local.date()),
            time=format_time(local, "short", locale=self.locale),
        )

    def number(self, value: float, digits: int = 1) -> str:
        pattern = "#,##0." + "#" * digits if digits else "#,##0"
        return format_decimal(value, pattern, locale=self.locale)

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.locale)

    def age(self, seconds: int) -> str:
        """How long something has been open: days and hours, or hours and minutes."""
        days, rest = divmod(max(0, seconds), 86_400)
        hours, rest = divmod(rest, 3_600)
        if days:
            return self.gettext("{days} d {hours} h", days=days, hours=hours)
        if hours:
            return self.gettext("{hours} h {minutes} min", hours=hours, minutes=rest // 60)
        return self.gettext("{minutes} min", minutes=rest // 60)

    def county(self, area: str | None) -> str:
        """A county organisation's (`county-13`) or area's (`13`) name in this language."""
        if area is None:
            return self.gettext("No county (routing unresolved)")
        names = reference.area_names().get(area.removeprefix(COUNTY_PREFIX))
        if names is None:
            return area
        return names.sv if self.language == "sv" else names.fi


@cache
def texts(language: Language) -> Texts:
    return Texts(language)
