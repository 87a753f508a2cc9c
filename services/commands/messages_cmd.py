"""`jatkumo messages update`: extract the shown texts and bring the catalogues up to date."""

import typer

from services.i18n.extraction import LOCALE, update

app = typer.Typer(help="The Finnish, Swedish and English message catalogues (Babel).")


@app.command("update")
def update_command() -> None:
    """Extract every shown text and update the fi, sv and en catalogues (no fuzzy guesses)."""
    untranslated = update()
    for language, count in untranslated.items():
        typer.echo(f"{language}: {count} untranslated")
    typer.echo(f"catalogues in {LOCALE}: translate the empty entries, then run the tests")
