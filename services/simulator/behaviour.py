"""How each wellbeing services county responds: some are prompt, some stretched, some silent.

Every county gets one behaviour for the whole run, drawn from the seed; the pilot counties of
the operating model (Pohjois-Savo 13, Vantaa-Kerava 04) are prompt. Ranges are inclusive and
count working days (`*_working_days`) or calendar days relative to the release day (`*_days`,
negative = before release).
"""

import random
from dataclasses import dataclass

from services.core.organisations import OrgKind, Registry

PILOT_COUNTIES = ("county-13", "county-04")

Span = tuple[int, int]


@dataclass(frozen=True)
class Behaviour:
    name: str
    ack_working_days: Span
    """Acknowledging a referral, after it was submitted."""
    ack_never: float
    assessment_days: Span
    """Starting the service need assessment, relative to release."""
    assessment_never: float
    named_worker_days: Span
    """Assigning a named worker, relative to release (never before the assessment starts)."""
    named_worker_never: float
    plan_days: Span
    """Agreeing the client plan, relative to release."""
    plan_never: float
    review_interval_days: Span
    """Days from one plan review date to the next."""
    review_missed: float
    """Share of reviews done late (after the review date) or not at all."""
    reassign_never: float
    """Share of vacant named-worker posts never filled again."""
    closure: float
    """Share of cases closed when the client no longer needs multi-actor work."""
    task_received: float
    task_accepted: float
    accept_working_days: Span


PROMPT = Behaviour(
    name="prompt",
    ack_working_days=(1, 1),
    ack_never=0.0,
    assessment_days=(-120, -60),
    assessment_never=0.0,
    named_worker_days=(-50, -20),
    named_worker_never=0.0,
    plan_days=(-14, -3),
    plan_never=0.0,
    review_interval_days=(21, 28),
    review_missed=0.05,
    reassign_never=0.0,
    closure=0.6,
    task_received=1.0,
    task_accepted=0.98,
    accept_working_days=(0, 1),
)
STEADY = Behaviour(
    name="steady",
    ack_working_days=(1, 2),
    ack_never=0.02,
    assessment_days=(-60, -33),
    assessment_never=0.03,
    named_worker_days=(-25, -3),
    named_worker_never=0.05,
    plan_days=(0, 10),
    plan_never=0.05,
    review_interval_days=(24, 32),
    review_missed=0.2,
    reassign_never=0.1,
    closure=0.4,
    task_received=0.95,
    task_accepted=0.9,
    accept_working_days=(1, 2),
)
STRETCHED = Behaviour(
    name="stretched",
    ack_working_days=(2, 7),
    ack_never=0.15,
    assessment_days=(-25, 5),
    assessment_never=0.2,
    named_worker_days=(2, 20),
    named_worker_never=0.25,
    plan_days=(12, 40),
    plan_never=0.3,
    review_interval_days=(30, 60),
    review_missed=0.5,
    reassign_never=0.4,
    closure=0.15,
    task_received=0.8,
    task_accepted=0.6,
    accept_working_days=(1, 5),
)
SILENT = Behaviour(
    name="silent",
    ack_working_days=(6, 20),
    ack_never=0.7,
    assessment_days=(5, 30),
    assessment_never=0.8,
    named_worker_days=(10, 40),
    named_worker_never=0.75,
    plan_days=(20, 60),
    plan_never=0.85,
    review_interval_days=(45, 90),
    review_missed=0.8,
    reassign_never=0.8,
    closure=0.05,
    task_received=0.4,
    task_accepted=0.2,
    accept_working_days=(3, 10),
)
BEHAVIOURS = (PROMPT, STEADY, STRETCHED, SILENT)
SHARES = {PROMPT: 0.25, STEADY: 0.35, STRETCHED: 0.25, SILENT: 0.15}


def county_behaviours(registry: Registry, seed: int) -> dict[str, Behaviour]:
    """One behaviour per county: pilots prompt, the rest in the shares above, every kind present."""
    counties = registry.of_kind(OrgKind.COUNTY)
    others = sorted(o.code for o in counties if o.code not in PILOT_COUNTIES)
    random.Random(f"{seed}:counties").shuffle(others)
    counts = {b: max(1, round(share * len(others))) for b, share in SHARES.items()}
    counts[STEADY] += len(others) - sum(counts.values())
    pool = [b for b in BEHAVIOURS for _ in range(counts[b])]
    chosen = dict(zip(others, pool, strict=True))
    return {**dict.fromkeys(PILOT_COUNTIES, PROMPT), **chosen}
