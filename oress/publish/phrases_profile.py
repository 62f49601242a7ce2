"""Sentences on the jobs of the ESS against the privé hors ESS and the public: women, age, part-time, wages;
and the change in jobs since the previous millésime.
"""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish.facts import Facts
from oress.publish.phrases_words import enumeration


def compared(facts: Facts, indicateur: str, mesure: str, dimension: str, modalite: str) -> tuple:
    """The figure for the ESS, the privé hors ESS and the public sector."""
    return tuple(facts.get(indicateur, champ, mesure, dimension, modalite) for champ in
                 ("ess", "prive_hors_ess", "public"))


def _versus(ess, private, public, formatter) -> str:
    others = []
    if private.known:
        others.append(f"{formatter(private.value)} dans le privé hors ESS")
    if public.known:
        others.append(f"{formatter(public.value)} dans le public")
    return (", contre " + enumeration(others)) if others else ""


def profile(facts: Facts, has_jobs: bool) -> list[str]:
    out = []
    if has_jobs:
        women = compared(facts, "repartition", "postes", "sexe", "2")
        if women[0].known:
            out.append(f"Les femmes occupent {fmt.pourcent(women[0].value)} des postes de l’ESS"
                       f"{_versus(*women, fmt.pourcent)}.")
        old = facts.get("repartition", "ess", "postes", "age", "50-54")
        oldest = facts.get("repartition", "ess", "postes", "age", "55+")
        band = facts.get("repartition", "ess", "postes", "age", "50+")   # INSEE's BTS tables: one band
        if band.known:
            detail = f", dont {fmt.pourcent(oldest.value)} pour les 55 ans ou plus" if oldest.known else ""
            out.append(f"Les salariés de 50 ans ou plus occupent {fmt.pourcent(band.value)} des postes "
                       f"de l’ESS{detail}.")
        elif old.known and oldest.known:
            out.append(f"Les salariés de 50 ans ou plus occupent {fmt.pourcent(old.value + oldest.value)} des postes "
                       f"de l’ESS, dont {fmt.pourcent(oldest.value)} pour les 55 ans ou plus.")
        elif oldest.known:
            out.append(f"Les salariés de 55 ans ou plus occupent {fmt.pourcent(oldest.value)} des postes de l’ESS.")
        part_time = compared(facts, "repartition", "postes", "temps_travail", "partiel_autres")
        if part_time[0].known:
            out.append(f"Le temps partiel concerne {fmt.pourcent(part_time[0].value)} des postes de l’ESS"
                       f"{_versus(*part_time, fmt.pourcent)}.")
    wages = tuple(facts.get("salaire_moyen_etp", champ, "remuneration_brute") for champ in
                  ("ess", "prive_hors_ess", "public"))
    if wages[0].known:
        out.append(f"Le salaire brut annuel moyen par équivalent temps plein s’élève à {fmt.euros(wages[0].value)} "
                   f"dans l’ESS{_versus(*wages, fmt.euros)}.")
    return out


def evolution(facts: Facts, previous: int) -> list[str]:
    found = facts.evolution("evolution_pct", "ess")
    absolute = facts.evolution("evolution_absolue", "ess")
    if found is None or absolute is None:
        return []
    change, _, rupture = found
    if rupture or not change.known or not absolute[0].known:
        return []
    shown = fmt.rounded(change.value, 1)
    amount = absolute[0].value
    posts = f"{fmt.entier_signe(amount)} {fmt.pluriel(amount, 'poste', 'postes')}"
    if shown == 0:
        text = f"Entre {previous} et {facts.millesime}, l’emploi salarié de l’ESS est resté stable ({posts})"
    else:
        verb = "a progressé" if change.value > 0 else "a reculé"
        text = (f"Entre {previous} et {facts.millesime}, l’emploi salarié de l’ESS {verb} de "
                f"{fmt.pourcent(abs(change.value))} ({posts})")
    others = []
    for champ, where in (("prive_hors_ess", "dans le privé hors ESS"), ("public", "dans le public")):
        other = facts.evolution("evolution_pct", champ)
        if other and other[0].known:
            others.append(f"{fmt.evolution_pct(other[0].value)} {where}")
    if others:
        text += ", contre " + enumeration(others)
    return [text + "."]
