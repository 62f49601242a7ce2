"""What every page of the panorama shares: the page context and its tables, rows and secrecy note, and the
champs' labels and the order they are listed or compared in. Also used by the conjoncture page and the chiffres
clés PDF.
"""
from __future__ import annotations

from dataclasses import dataclass

from oress.classifications import FOCUS
from oress.publish import formatting as fmt
from oress.publish import phrases
from oress.publish.facts import Facts

# the champs the size and profile pages set side by side, in this order (labels: ref_champs.libelle_court)
COMPARED = ("ess", "prive_hors_ess", "public")
ESS_TOTAL = "Ensemble de l’ESS"   # the ESS as the total row of its families or sectors


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[dict, ...]
    groups: tuple[tuple[str, int], ...] = ()    # an optional header row above: (label, columns spanned)


PAGES = ("chiffres", "familles", "secteurs", "tailles", "profil", "carte", "composition", "evolution")
PAGE_DEFAULTS = {"phrases": [], "message": None, "note": None, "graphique": None, "alt": "", "tableau": None}


def page(**content) -> dict:
    """A page's context with every optional key present (the templates run with StrictUndefined)."""
    return {**PAGE_DEFAULTS, **content}


def row(label: str, cells: list[str], classe: str = "") -> dict:
    return {"libelle": label, "cellules": cells, "classe": classe}


def secret_note(names: list[str], what: str = "valeurs") -> str | None:
    if not names:
        return None
    return (f"{fmt.guillemets('s')} : secret statistique. Non représenté{'s' if len(names) > 1 else ''} "
            f"sur le graphique : {phrases.enumeration(names)}.")



def champ_label(facts: Facts, champ: str) -> str:
    return facts.classes.champs.label(champ)


def family_label(facts: Facts, champ: str) -> str:
    return ESS_TOTAL if champ == FOCUS else champ_label(facts, champ)


def champ_rows(facts: Facts) -> tuple[tuple[str, str], ...]:
    """(champ, CSS class) of the champ tables: the ESS and its families, the other champs' parts, the total."""
    tree = facts.classes.champs
    shown = [c for c in tree.walk() if c != tree.root and (c == FOCUS or not tree.children(c))]
    return tuple((c, tree.style(c)) for c in shown + [tree.root])


def compared(facts: Facts) -> tuple[tuple[str, str], ...]:
    """(champ, short label) of the champs the size and profile pages compare."""
    return tuple((c, facts.classes.champs.short_label(c)) for c in COMPARED)

