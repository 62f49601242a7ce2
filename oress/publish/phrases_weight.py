"""Sentences on the ESS's size and weight: establishments and jobs, share of all and of private jobs against
the references, gaps in points, ranks among peers, communes above a threshold.
"""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish.facts import Facts
from oress.publish.phrases_words import (
    REFERENCE_NOUNS,
    REFERENCE_PHRASES,
    enumeration,
    inside,
    peers,
    rank_text,
    zone,
)


def rank_sentence(facts: Facts) -> str | None:
    """The territory's rank among its published peers by the ESS's share of all jobs and of private jobs
    (None when it has no rank), as the panorama and the site print it."""
    total, private = facts.rank("part_dans_ensemble"), facts.rank("part_dans_prive")
    if not total:
        return None
    return (f"Rang du territoire parmi les {total[1]} {peers(facts.niveau, total[1])} : "
            f"{rank_text(total[0])} pour la part de l’emploi salarié total"
            + (f", {rank_text(private[0])} pour la part de l’emploi privé" if private else "")
            + " (1ᵉʳ = part la plus forte).")


def _kind(reference: str) -> str:
    return reference.split(" ")[0]


def _reference_clauses(facts: Facts, indicateur: str, labels: dict[str, str]) -> list[str]:
    clauses = []
    for reference in facts.references(indicateur):
        value = facts.reference_value(indicateur, "ess", reference)
        if not value.known:
            continue
        kind = _kind(reference)
        where = REFERENCE_PHRASES.get(kind, f"pour {labels.get(reference, reference)}")
        named = f" ({labels[reference]})" if kind in ("departement", "region") and reference in labels else ""
        clauses.append(f"{fmt.pourcent(value.value)} {where}{named}")
    return clauses


def overview(facts: Facts, millesime: int) -> str | None:
    etablissements, postes = facts.cell("ess", "etablissements"), facts.cell("ess", "postes")
    etp, masse = facts.cell("ess", "etp"), facts.cell("ess", "remuneration_brute")
    if postes.known and postes.value == 0 and etablissements.known and etablissements.value == 0:
        return f"Aucun établissement employeur de l’économie sociale et solidaire n’est recensé {inside(facts)}."
    if not (etablissements.known and postes.known):
        return None
    text = (f"Au 31 décembre {millesime}, l’économie sociale et solidaire (ESS) compte "
            f"{fmt.entier(etablissements.value)} "
            f"{fmt.pluriel(etablissements.value, 'établissement employeur', 'établissements employeurs')} "
            f"et {fmt.entier(postes.value)} {fmt.pluriel(postes.value, 'poste salarié', 'postes salariés')} "
            f"{inside(facts)}")
    extras = []
    if etp.known:
        extras.append(f"{fmt.entier(etp.value)} {fmt.pluriel(etp.value, 'équivalent', 'équivalents')} temps plein")
    if masse.known:
        extras.append(f"{fmt.millions_euros(masse.value)} de rémunérations brutes")
    if extras:
        text += ", soit " + enumeration(extras)
    return text + "."


def weight(facts: Facts, labels: dict[str, str]) -> str | None:
    return _share_sentence(facts, "part_dans_ensemble", "L’ESS représente {} de l’emploi salarié " + zone(facts),
                           labels)


def gaps(facts: Facts) -> str | None:
    """Ce poids est supérieur de 1,8 point à la moyenne départementale et de 4,3 points à la moyenne régionale."""
    parts, previous = [], None
    for reference in facts.references("part_dans_ensemble"):
        gap = facts.get("ecart_part_dans_ensemble", "ess", reference=reference)
        if not gap.known:
            continue
        noun = REFERENCE_NOUNS.get(_kind(reference), "la référence")
        if fmt.rounded(gap.value, 1) == 0:
            direction, text = "égal", f"égal à {noun}"
        else:
            direction = "supérieur" if gap.value > 0 else "inférieur"
            amount = f"de {fmt.points_texte(gap.value)} à {noun}"
            text = amount if direction == previous else f"{direction} {amount}"
        parts.append(text)
        previous = direction
    if not parts:
        return None
    return "Ce poids est " + enumeration(parts) + "."


def private_weight(facts: Facts, labels: dict[str, str]) -> str | None:
    return _share_sentence(facts, "part_dans_prive", "Dans l’emploi privé, sa part atteint {}", labels)


def _share_sentence(facts: Facts, indicator: str, opening: str, labels: dict[str, str]) -> str | None:
    """The ESS's share (`opening` with the share in place of {}), then its references: «…, contre 12,1 % dans le
    département…». None when the share is secret."""
    share = facts.get(indicator, "ess")
    if not share.known:
        return None
    text = opening.format(fmt.pourcent(share.value))
    clauses = _reference_clauses(facts, indicator, labels)
    if clauses:
        text += ", contre " + enumeration(clauses)
    return text + "."


def ranks(facts: Facts) -> str | None:
    total, private = facts.rank("part_dans_ensemble"), facts.rank("part_dans_prive")
    if total is None or total[1] < 2:
        return None
    subject = {"departement": "le département", "epci": "l’intercommunalité"}.get(facts.niveau, "le territoire")
    text = (f"Pour le poids de l’ESS dans l’emploi salarié total, {subject} se classe au "
            f"{rank_text(total[0])} rang des {total[1]} {peers(facts.niveau, total[1])} de la publication")
    if private is not None and private[1] >= 2:
        text += f" ; il est au {rank_text(private[0])} rang pour sa part dans l’emploi privé"
    return text + "."


def communes_above(count: int, published: int, threshold: float) -> str | None:
    """How many communes, among those whose share is published, reach the threshold."""
    if published < 2 or count == 0:
        return None
    where = (f"chacune des {fmt.entier(published)}" if count == published
             else f"{fmt.entier(count)} des {fmt.entier(published)}")
    return (f"L’ESS représente au moins {fmt.pourcent(threshold, 0)} de l’emploi salarié dans {where} communes "
            "du territoire dont la part est publiée.")
