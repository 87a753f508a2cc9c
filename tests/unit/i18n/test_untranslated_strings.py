"""No template or script of the operator view shows a text that is not in the catalogue.

Templates are rendered with a translation that wraps every message in markers; whatever text a
person could read (text nodes and the title, aria-label, placeholder and alt attributes) must
then be marked, or be one of the few words that are the same in every language. The script is
read for string literals outside `_()` that look like words for people rather than codes,
CSS classes, element names or URLs.
"""

import re
from gettext import NullTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest

from services.i18n.languages import LANGUAGE_NAMES
from services.operator.page import environment

STATIC = Path(__file__).resolve().parents[3] / "services" / "operator" / "static"
MARK = "\u2063"
READABLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
SAME_IN_EVERY_LANGUAGE = {"Jatkumo", *(code.upper() for code in LANGUAGE_NAMES)} | set(
    LANGUAGE_NAMES.values()
)
"""The brand, the switch's FI / SV / EN and each language's own name."""
TEMPLATES = ("index.html", "login.html")


class Marking(NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{MARK}{message}{MARK}"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Readable(HTMLParser):
    """Collects what a person can read on a page (not scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        self.texts.extend(v for k, v in attrs if k in READABLE_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def unmarked_words(html: str) -> list[str]:
    """Readable words of a rendered page that did not come through the catalogue."""
    parser = Readable()
    parser.feed(html)
    words: list[str] = []
    for text in parser.texts:
        rest = re.sub(f"{MARK}[^{MARK}]*{MARK}", " ", text)
        words.extend(w for w in re.findall(r"[^\W\d_]+", rest) if w not in SAME_IN_EVERY_LANGUAGE)
    return words


def render(name: str, source: str | None = None) -> str:
    templates = environment(Marking())
    template = templates.from_string(source) if source else templates.get_template(name)
    return template.render(lang="xx", page_data={}, failed=True)


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_show_only_catalogue_texts(name: str) -> None:
    """Every readable word of the page and the sign-in prompt comes from the catalogue."""
    assert unmarked_words(render(name)) == []


def test_a_hard_coded_template_text_is_found() -> None:
    """A heading and a title written straight into a template are reported."""
    page = '<h2 title="Open the case">{{ _("Trend") }}</h2><p>Nothing yet</p>'
    assert unmarked_words(render("inline", page)) == ["Open", "the", "case", "Nothing", "yet"]


# --- the script -----------------------------------------------------------------------------

SINGLE_WORD = re.compile(r"^[A-ZÅÄÖ][a-zåäö]+[.:!?]?$")
DIRECTIVES = {"use strict"}
HOLE = "\x00"
"""Where a template literal's `${...}` was."""


def _quoted(script: str, i: int, found: list[tuple[int, str]]) -> int:
    """Read the '...' or "..." literal opening at `i`; returns the index after it."""
    quote, j, body = script[i], i + 1, []
    while script[j] != quote:
        if script[j] == "\\":
            j += 1
        body.append(script[j])
        j += 1
    found.append((i, "".join(body)))
    return j + 1


def _template(script: str, i: int, found: list[tuple[int, str]]) -> int:
    """Read the `...` literal opening at `i` (its `${...}` read as code); index after it."""
    j, body = i + 1, []
    while script[j] != "`":
        if script[j] == "\\":
            body.append(script[j + 1])
            j += 2
        elif script.startswith("${", j):
            j = _code(script, j + 2, found, inside=True)
            body.append(HOLE)
        else:
            body.append(script[j])
            j += 1
    found.append((i, "".join(body)))
    return j + 1


def _code(script: str, i: int, found: list[tuple[int, str]], *, inside: bool = False) -> int:
    """Read code from `i`, collecting literals; inside `${`, stop after its closing brace."""
    depth = 0
    while i < len(script):
        if script.startswith("//", i):
            i = script.find("\n", i) % (len(script) + 1)
        elif script.startswith("/*", i):
            i = script.index("*/", i) + 2
        elif script[i] in "'\"":
            i = _quoted(script, i, found)
        elif script[i] == "`":
            i = _template(script, i, found)
        else:
            if script[i] == "{":
                depth += 1
            elif script[i] == "}":
                if inside and depth == 0:
                    return i + 1
                depth -= 1
            i += 1
    return i


def literals(script: str) -> list[tuple[int, str]]:
    """Every string literal of a script, with where it starts ( `${...}` parts as holes)."""
    found: list[tuple[int, str]] = []
    _code(script, 0, found)
    return sorted(found)


def css_classes() -> set[str]:
    return set(re.findall(r"\.([A-Za-z][\w-]*)", (STATIC / "app.css").read_text("utf-8")))


def _code_like(part: str, classes: set[str]) -> bool:
    """A literal's static part that is a code, id, URL, CSS class list or punctuation."""
    if not re.search(r"[^\W\d_]", part):
        return True
    tokens = part.split()
    if len(tokens) == 1 and part.strip() == part:
        return not SINGLE_WORD.match(part)
    return all(
        t in classes or (t.endswith("-") and any(c.startswith(t) for c in classes)) for t in tokens
    )


def people_words(script: str, classes: set[str]) -> list[str]:
    """String literals of a script that people would read but that skip `_()`."""
    found = []
    for start, body in literals(script):
        if body in DIRECTIVES or script[:start].rstrip().endswith("_("):
            continue
        if not all(_code_like(part, classes) for part in body.split(HOLE) if part):
            found.append(body.replace(HOLE, "${}"))
    return found


def test_the_script_shows_only_catalogue_texts() -> None:
    """app.js passes every text it shows through `_()` (or shows a code's text from labels)."""
    script = (STATIC / "app.js").read_text("utf-8")
    assert people_words(script, css_classes()) == []


def test_a_hard_coded_script_text_is_found() -> None:
    """Words for people outside `_()` are reported; codes, classes and `_()` texts are not."""
    script = """
      el("p", { class: "empty muted" }, "No data yet");
      el("td", { title: `${n} pending` }, _("Total"));
      el("th", {}, "Status");
      fetch("/api/alerts", { cache: "no-store" });
    """
    assert people_words(script, {"empty", "muted"}) == ["No data yet", "${} pending", "Status"]
