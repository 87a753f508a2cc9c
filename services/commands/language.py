"""The CLI's language: JATKUMO_LANG, then LC_ALL / LC_MESSAGES / LANG (English otherwise)."""

import os

from services.i18n.languages import from_environment
from services.i18n.texts import Texts, texts


def cli_texts() -> Texts:
    return texts(from_environment(os.environ))
