"""Statistical secrecy on the published cells: primary rules (frequency A, dominance B) → pub_indicateurs.

Secondary suppression (D) and the attacker audit are not implemented yet: until
they are, a secret cell may still be derivable by difference from published
ones, which is why every output says "règles primaires seulement".
"""
from __future__ import annotations

from oress.config import SecretRules

MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")
DOMINANCE_SHARES = ("part_max_postes", "part_max_etp", "part_max_remuneration")


def primary_status_sql(rules: SecretRules) -> str:
    """SQL CASE giving '' (published), 'A' (frequency) or 'B' (dominance) for a mart row."""
    comparison = ">=" if rules.dominance_inclusive else ">"
    dominated = " or ".join(f"coalesce({share}, 0) {comparison} {rules.dominance_seuil!r}"
                            for share in DOMINANCE_SHARES)
    return (f"case when etablissements = 0 then '' "
            f"when nb_unites < {int(rules.frequence_min)} then 'A' "
            f"when {dominated} then 'B' else '' end")


def build_published(connection, rules: SecretRules) -> dict[str, int]:
    """Create pub_indicateurs: the mart's cells with secret measures set to NULL; return status counts."""
    masked = ", ".join(f"case when secret = '' then {m} end as {m}" for m in MEASURES)
    connection.execute(f"""
        create or replace table pub_indicateurs as
        with statut as (
            select *, {primary_status_sql(rules)} as secret from mart_cellules
        )
        select millesime, niveau, code, libelle, champ, dimension, modalite, {masked}, secret
        from statut
    """)
    rows = connection.execute("select secret, count(*) from pub_indicateurs group by 1 order by 1").fetchall()
    return {status or "publie": count for status, count in rows}
