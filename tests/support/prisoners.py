"""Synthetic prisoners for the integration tests: the prison's custody, release and consent
events of person `n`, all in one place so that each test module only names its own series."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.core.events import ConsentGiven, CustodyStarted, ReleaseDateSet
from services.core.vocabulary import Category, ConsentCollection, ReleaseType, SentenceType
from tests.support.people import temporary_identity_code

PRISON = "prison-kuopion"
COUNTY = "county-13"
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENTENCE_START = date(2026, 3, 1)
RELEASE = date(2026, 12, 1)


@dataclass(frozen=True)
class Prisoners:
    """Person `n` of a series is born `born` + n days with individual number `number` + n (a
    temporary identity code, never a real person's); event ids read `<prefix>-<kind>-<n>`.
    Keyword changes replace fields of the event built."""

    prefix: str
    born: date
    number: int

    def code(self, n: int) -> str:
        return temporary_identity_code(self.born + timedelta(days=n), self.number + n)

    def custody(self, n: int, **changes: Any) -> CustodyStarted:
        """A long sentence in Kuopio prison that began on 1 March 2026, home Kuopio (297)."""
        return CustodyStarted(
            event_id=f"{self.prefix}-custody-{n}",
            occurred_at=AT,
            source_org=PRISON,
            identity_code=self.code(n),
            prison=PRISON,
            sentence_type=SentenceType.LONG_TERM,
            sentence_start=SENTENCE_START,
            home_municipality="297",
        ).model_copy(update=changes)

    def release(self, n: int, **changes: Any) -> ReleaseDateSet:
        """Conditional release on 1 December 2026."""
        return ReleaseDateSet(
            event_id=f"{self.prefix}-release-{n}",
            occurred_at=AT,
            source_org=PRISON,
            identity_code=self.code(n),
            release_date=RELEASE,
            release_type=ReleaseType.CONDITIONAL_RELEASE,
        ).model_copy(update=changes)

    def consent(self, n: int, recipient: str = COUNTY, **changes: Any) -> ConsentGiven:
        """The prisoner's written consent to tell `recipient` who they are and when they leave,
        for release planning, for a year."""
        return ConsentGiven(
            event_id=f"{self.prefix}-consent-{n}",
            occurred_at=AT,
            source_org=PRISON,
            identity_code=self.code(n),
            consent_id=f"{self.prefix}-prisoner-consent-{n}",
            categories=[Category.IDENTITY, Category.RELEASE_SCHEDULE],
            recipients=[recipient],
            purpose="release_planning",
            valid_from=SENTENCE_START,
            valid_until=date(2027, 3, 1),
            collection_method=ConsentCollection.WRITTEN,
        ).model_copy(update=changes)
