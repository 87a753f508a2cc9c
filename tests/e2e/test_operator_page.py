"""The operator page in headless Chromium against `jatkumo operator serve` on a real broker."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.operator_world import ref, world
from tests.integration.operator_harness import publish
from tests.support.operator_serve import ARTIFACTS, CHROMIUM, operator_view
from tests.support.operator_serve import chromium as launched_chromium
from tests.support.pipeline import Pipeline
from tests.unit.operator.builders import FULL_NAME, IDENTITY_CODE

pytestmark = pytest.mark.e2e

TOKEN = "operator-e2e-token-9b2d"


@dataclass
class Served:
    url: str
    known_alert: str
    known_person: str


@pytest.fixture(scope="module")
def served(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    work = tmp_path_factory.mktemp("operator-page")
    pipeline = Pipeline(kafka_bootstrap, work, services=())
    pipeline.apply_topics()
    publish(kafka_bootstrap, pipeline.names, world())
    with operator_view(kafka_bootstrap, pipeline.namespace, TOKEN, work) as url:
        yield Served(url, "alert-00", ref(0))


@pytest.fixture(scope="module")
def chromium(served: Served) -> Iterator[Any]:
    """One headless Chromium for the module; each test opens its own context in it."""
    with launched_chromium() as launched:
        yield launched


@contextmanager
def browser(chromium: Any, locale: str) -> Iterator[Any]:
    """A fresh context (no cookies) whose Accept-Language and navigator.language are `locale`."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale=locale)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    with browser(chromium, "en-US") as context:
        yield context.new_page()


def sign_in(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")


def test_signed_in_operator_sees_a_known_alert_in_the_table(page: Any, served: Served) -> None:
    """After the login prompt and the token, the open alerts table lists a known alert."""
    page.goto(served.url + "/")
    assert page.locator("#login").is_visible()
    sign_in(page, served)
    row = page.locator(f'tr[data-alert-id="{served.known_alert}"]')
    row.wait_for(timeout=30_000)
    assert "Referral not acknowledged" in row.inner_text()
    assert "Pohjois-Savon hyvinvointialue" in row.inner_text()
    page.locator("#trend svg polyline").wait_for()
    page.locator("#counties-table tbody tr").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "operator-view.png"), full_page=True)
    text = page.content()
    assert IDENTITY_CODE not in text
    assert FULL_NAME not in text


def test_the_person_link_opens_the_case_timeline(page: Any, served: Served) -> None:
    """Clicking a person reference shows that case's pseudonymous timeline."""
    sign_in(page, served)
    page.locator(f'tr[data-alert-id="{served.known_alert}"] a').click()
    page.locator("#timeline-events li").first.wait_for(timeout=30_000)
    assert page.locator("#timeline-ref").inner_text() == served.known_person
    assert "Case opened" in page.locator("#timeline-events").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "operator-timeline.png"))


@dataclass(frozen=True)
class Expected:
    """What the known alert's row and the page's heading read in one language."""

    locale: str
    rule: str
    opened: str
    county: str
    heading: str


EXPECTED = {
    "fi": Expected(
        "fi-FI",
        "Yhteydenottoa ei kuitattu",
        "4.3.2025 klo 12.00",
        "Pohjois-Savon hyvinvointialue",
        "Avoimet katkenneet palvelupolut",
    ),
    "sv": Expected(
        "sv-FI",
        "Kontakttagandet har inte kvitterats",
        "4.3.2025 kl. 12.00",
        "Norra Savolax välfärdsområde",
        "Öppna brutna servicestigar",
    ),
    "en": Expected(
        "en-GB",
        "Referral not acknowledged",
        "4 Mar 2025 at 12:00",
        "Pohjois-Savon hyvinvointialue",
        "Open broken service paths",
    ),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_page_speaks_the_browsers_language(
    chromium: Any, served: Served, language: str
) -> None:
    """In fi, sv and en the known alert shows its rule, opening time and county in that language."""
    expected = EXPECTED[language]
    with browser(chromium, expected.locale) as context:
        page = context.new_page()
        sign_in(page, served)
        row = page.locator(f'tr[data-alert-id="{served.known_alert}"]')
        row.wait_for(timeout=30_000)
        shown = row.inner_text()
        assert expected.rule in shown
        assert expected.opened in shown
        assert expected.county in shown
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("#alerts-title").inner_text() == expected.heading
        assert expected.rule in page.locator("#by-rule").inner_text()
        page.locator("#trend svg polyline").wait_for()
        page.locator("#counties-table tbody tr").first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"operator-view-{language}.png"), full_page=True)
        if language == "fi":
            page.locator(f'tr[data-alert-id="{served.known_alert}"] a').click()
            page.locator("#timeline-events li").first.wait_for(timeout=30_000)
            assert "Asia avattu" in page.locator("#timeline-events").inner_text()
            page.screenshot(path=str(ARTIFACTS / "operator-timeline-fi.png"))


def test_the_language_switch_is_remembered(chromium: Any, served: Served) -> None:
    """Choosing SV on an English page shows Swedish, and a new tab stays Swedish."""
    with browser(chromium, "en-GB") as context:
        page = context.new_page()
        sign_in(page, served)
        page.locator("#alerts-title").wait_for()
        assert page.locator("#alerts-title").inner_text() == EXPECTED["en"].heading
        page.click('nav.langs a[hreflang="sv"]')
        page.wait_for_function(
            "document.getElementById('alerts-title').textContent === 'Öppna brutna servicestigar'"
        )
        again = context.new_page()
        again.goto(served.url + "/")
        assert again.locator("#alerts-title").inner_text() == EXPECTED["sv"].heading
        row = again.locator(f'tr[data-alert-id="{served.known_alert}"]')
        row.wait_for(timeout=30_000)
        assert EXPECTED["sv"].county in row.inner_text()
