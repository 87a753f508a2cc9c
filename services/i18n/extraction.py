"""Extraction and catalogue upkeep with Babel: what `jatkumo messages update` runs.

Messages are found in the Python code (`gettext`, `pgettext`, the `NC_` code labels), the
operator page's templates (Jinja2 `_()`) and its script (`_()`), as `babel.cfg` maps them.
The catalogues keep file locations without line numbers, so moving code does not churn them.
"""

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from services.i18n.catalogue import DOMAIN
from services.i18n.languages import LANGUAGES, Language

ROOT = Path(__file__).resolve().parents[2]
LOCALE = Path(__file__).resolve().parent / "locale"
MAPPING = Path(__file__).resolve().parent / "babel.cfg"
KEYWORDS = {**DEFAULT_KEYWORDS, "NC_": ((1, "c"), 2)}
SOURCE_LANGUAGE: Language = "en"
"""The messages are written in English, so the English catalogue repeats them."""
STABLE_DATE = datetime(2026, 12, 1, tzinfo=UTC)
"""A fixed creation date in the headers: regenerating changes nothing that did not change."""

Key = tuple[str | None, str]
"""(context, message id)."""


def po_path(language: Language) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path() -> Path:
    return LOCALE / f"{DOMAIN}.pot"


HEADER = (
    "# Jatkumo's texts for people: the operator view, alert, task and dead-letter reasons, CLI.\n"
    "# Managed with Babel: `jatkumo messages update` extracts them; translate the empty entries."
)


def _catalogue(language: Language | None) -> Catalog:
    catalogue = Catalog(
        locale=language,
        domain=DOMAIN,
        project="jatkumo",
        version="0.1.0",
        header_comment=HEADER,
        copyright_holder="Jatkumo",
        creation_date=STABLE_DATE,
        revision_date=STABLE_DATE,
        language_team=f"Jatkumo <{language}>" if language else "Jatkumo",
        last_translator="Jatkumo",
        fuzzy=False,
    )
    return catalogue


def extract(root: Path = ROOT) -> Catalog:
    """Every message the code, templates and script show, with the files they are in."""
    template = _catalogue(None)
    with MAPPING.open(encoding="utf-8") as mapping:
        methods, options = parse_mapping_cfg(mapping, filename=str(MAPPING))  # type: ignore[no-untyped-call]
    found: Iterable[tuple[str, int, str | tuple[str, ...], list[str], str | None]] = (
        extract_from_dir(str(root), methods, options, KEYWORDS)
    )
    for filename, line, message, _comments, context in found:
        text = message if isinstance(message, str) else message[0]
        template.add(text, locations=[(filename, line)], context=context)
    return template


def keys(catalogue: Catalog) -> dict[Key, set[str]]:
    """Each message's (context, id) with the files it is in (the header left out)."""
    return {
        (message.context, str(message.id)): {path for path, _ in message.locations}
        for message in catalogue
        if message.id
    }


def _write(path: Path, catalogue: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalogue, width=100, include_lineno=False, sort_output=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def update(root: Path = ROOT) -> dict[Language, int]:
    """Extract, then bring each language's `.po` up to date; untranslated counts per language.

    New messages arrive empty (never fuzzy-guessed), messages no longer used are dropped, and
    the English catalogue is filled with the English source text.
    """
    template = extract(root)
    _write(pot_path(), template)
    untranslated: dict[Language, int] = {}
    for language in LANGUAGES:
        path = po_path(language)
        catalogue = _catalogue(language)
        if path.exists():
            with path.open("rb") as source:
                for message in read_po(source, locale=language, domain=DOMAIN):
                    if message.id:
                        catalogue[message.id] = message
        catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalogue.obsolete.clear()
        for message in catalogue:
            if language == SOURCE_LANGUAGE and message.id and not message.string:
                message.string = message.id
        _write(path, catalogue)
        untranslated[language] = sum(1 for m in catalogue if m.id and not m.string)
    return untranslated
