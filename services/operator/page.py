"""The operator page and its sign-in prompt, rendered in the reader's language.

The page carries what its script needs to speak the same language, as a JSON block: the
script's own messages (those the catalogue locates in `app.js`) and the texts of every code
the API sends (rules, severities, reasons, task and fact kinds ...).
"""

from collections.abc import Mapping
from functools import cache
from gettext import NullTranslations

from jinja2 import Environment, PackageLoader, select_autoescape

from services.i18n.catalogue import catalogue, translations
from services.i18n.labels import TABLES
from services.i18n.languages import (
    LANGUAGE_NAMES,
    VIEW_DEFAULT,
    Language,
    from_accept_language,
    supported,
)
from services.i18n.texts import texts

SCRIPT = "app.js"


def environment(gettext: NullTranslations) -> Environment:
    """The templates, speaking through `gettext` (a language's translations, or a test's)."""
    built = Environment(
        loader=PackageLoader("services.operator", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    built.install_gettext_translations(gettext, newstyle=True)  # type: ignore[attr-defined]
    built.globals["languages"] = list(LANGUAGE_NAMES.items())
    return built


@cache
def _environment(language: Language) -> Environment:
    return environment(translations(language))


def choose_language(asked: str | None, remembered: str | None, accept: str | None) -> Language:
    """`?lang=` first, then the remembered switch (cookie), then Accept-Language, then Finnish."""
    return supported(asked) or supported(remembered) or from_accept_language(accept) or VIEW_DEFAULT


def script_messages(language: Language) -> dict[str, str]:
    """The script's messages (located in app.js by extraction) in `language`."""
    return {
        message.id: str(message.string or message.id)
        for message in catalogue(language)
        if isinstance(message.id, str)
        and message.id
        and any(path.endswith(SCRIPT) for path, _ in message.locations)
    }


def code_texts(language: Language) -> dict[str, dict[str, str]]:
    """Every code table's texts in `language`, by table name."""
    speaker = texts(language)
    return {
        name: {code: speaker.label(table, code) for code in table} for name, table in TABLES.items()
    }


def page_data(language: Language) -> Mapping[str, object]:
    return {
        "lang": language,
        "messages": script_messages(language),
        "labels": code_texts(language),
    }


def render_index(language: Language) -> str:
    template = _environment(language).get_template("index.html")
    return template.render(lang=language, page_data=page_data(language))


def render_login(language: Language, *, failed: bool) -> str:
    return _environment(language).get_template("login.html").render(lang=language, failed=failed)


def render_page(language: Language, template: str, **values: object) -> str:
    """A server-rendered page (the worklist, an action's steps) with the reader's texts:
    `label(table, code)`, `county(code)`, `instant(at)` and `day(date)`."""
    speaker = texts(language)

    def label(table: str, code: str) -> str:
        return speaker.label(TABLES[table], code)

    return (
        _environment(language)
        .get_template(template)
        .render(
            lang=language,
            label=label,
            county=speaker.county,
            instant=speaker.instant,
            day=speaker.day,
            **values,
        )
    )
