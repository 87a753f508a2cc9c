"""The operator page rendered in a language, with what its script needs to speak it."""

import json
import re

from services.operator.page import code_texts, render_index, render_login, script_messages


def test_the_page_is_rendered_in_swedish() -> None:
    """`lang`, headings and table headers are Swedish; the switch offers FI / SV / EN."""
    page = render_index("sv")
    assert '<html lang="sv">' in page
    assert "Öppna brutna servicestigar" in page
    assert "<th>Välfärdsområde</th>" in page
    assert re.findall(r'hreflang="(\w+)"', page) == ["fi", "sv", "en"]
    assert 'hreflang="sv" lang="sv" title="Svenska" class="current"' in page


def test_the_script_gets_its_messages_and_the_code_texts() -> None:
    """The JSON block holds the script's own messages and every code table in the language."""
    page = render_index("fi")
    block = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["lang"] == "fi"
    assert data["messages"]["{days} d {hours} h"] == "{days} pv {hours} t"
    assert data["labels"]["rules"]["no_named_worker_at_release"] == "Ei omatyöntekijää vapautuessa"
    assert data["labels"]["reasons"]["invalid_identity_code"] == "Virheellinen henkilötunnus"


def test_only_the_scripts_messages_are_sent_to_it() -> None:
    """Template-only messages stay out of the script's catalogue."""
    messages = script_messages("sv")
    assert messages["No open alerts."] == "Inga öppna larm."
    assert "Dead letters by reason" not in messages
    assert set(code_texts("sv")["severities"].values()) == {"för kännedom", "varning", "kritisk"}


def test_the_sign_in_prompt_says_a_refused_token_in_finnish() -> None:
    """A wrong token is reported in the reader's language, and only then."""
    assert "Tunnusta ei hyväksytty." in render_login("fi", failed=True)
    assert "Tunnusta ei hyväksytty." not in render_login("fi", failed=False)
