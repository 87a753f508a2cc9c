"""The gettext catalogues, read from the committed `.po` files with Babel at first use.

Reading the `.po` text (and compiling it in memory) means nothing binary is committed and a
fresh clone speaks every language without a build step.
"""

import io
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from services.i18n.languages import Language

DOMAIN = "jatkumo"


def locale_dir() -> Traversable:
    return resources.files("services.i18n").joinpath("locale")


def po_file(language: Language) -> Traversable:
    return locale_dir().joinpath(language, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def catalogue(language: Language) -> Catalog:
    """The language's catalogue as Babel reads it (entries, flags, locations)."""
    with po_file(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


@cache
def translations(language: Language) -> Translations:
    """The language's gettext translations, compiled in memory from its `.po` file."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
