"""Statistical secrecy on the quarterly (URSSAF-like) cells of mart_trimestres → pub_trimestres.

`protect_cells` is the one function the global engine (oress/secrecy, `suppress(cells, equations,
rules)`) replaces: it takes the cells keyed by millesime, niveau, code, champ, dimension ('trimestre'),
modalite ('2018T4') with measures effectif and masse_salariale, the additivity equations and the rules,
and returns the status of each cell. Until then it applies the primary rules of oress/protect.py
(frequency A, dominance B on SIREN contributions) and a greedy secondary suppression (D): in every
equation holding a hidden cell at least one more non-empty cell is hidden, the cheapest (smallest
effectif); two one-enterprise cells never protect each other alone; cells with the same contributors
(a pays equal to its région in the data, an EPCI reduced to one commune) share one status. Then the
engine's attacker (`audit_and_repair`) checks every primary and measure against its protection
interval over all the equations at once and repairs a failing one by hiding its cut's cheapest
cells, until none fails — or the run stops.
"""
from __future__ import annotations

from collections import defaultdict

from oress.config import SecretRules

MEASURES = ("etablissements", "effectif", "masse_salariale")
KEY = ("millesime", "niveau", "code", "champ", "dimension", "modalite")
CHAMP_EQUATIONS = (("ensemble_prive", ("ess", "prive_hors_ess")),
                   ("ess", ("association", "cooperative", "mutuelle", "fondation")))


def primary_status(cells, rules: SecretRules):
    """'' published, 'A' fewer enterprises than the frequency rule, 'B' one enterprise dominant on a measure."""
    import numpy as np

    shares = cells[["part_max_effectif", "part_max_masse_salariale"]].fillna(0)
    dominated = (shares >= rules.dominance_seuil) if rules.dominance_inclusive else (shares > rules.dominance_seuil)
    return np.select([cells["etablissements"] == 0, cells["nb_unites"] < rules.frequence_min,
                      dominated.any(axis=1)], ["", "A", "B"], "")


def equations(cells, members) -> list[tuple[int, list[int]]]:
    """(total, parts) row positions of every additivity equation: champ trees within a territory × quarter,
    and each territory = the sum of its communes, région = Σ départements, France = Σ régions."""
    index = {key: i for i, key in enumerate(zip(cells["niveau"], cells["code"], cells["champ"], cells["modalite"]))}
    quarters = sorted(set(cells["modalite"]))
    territories = sorted(set(zip(cells["niveau"], cells["code"])))
    found = []
    for niveau, code in territories:
        for quarter in quarters:
            for total, parts in CHAMP_EQUATIONS:
                found.append((index[(niveau, code, total, quarter)],
                              [index[(niveau, code, p, quarter)] for p in parts]))
    champs = sorted(set(cells["champ"]))
    for (niveau, code), parts in members:
        present = [p for p in parts if (p[0], p[1], champs[0], quarters[0]) in index]
        if (niveau, code, champs[0], quarters[0]) not in index or not present:
            continue
        for champ in champs:
            for quarter in quarters:
                found.append((index[(niveau, code, champ, quarter)],
                              [index[(p[0], p[1], champ, quarter)] for p in present]))
    return found


def protect_cells(cells, equation_list, rules: SecretRules):
    """Status per cell: primary A/B, then secondary D until every equation and every group of identical
    cells is consistent. Deterministic: the cheapest partner is the smallest effectif, then the row order."""
    status = list(primary_status(cells, rules))
    empty = (cells["nb_unites"] == 0).to_numpy()
    single = (cells["nb_unites"] == 1).to_numpy()
    cost = cells["effectif"].to_numpy()
    groups = defaultdict(list)
    for i, key in enumerate(zip(cells["modalite"], cells["champ"], *(cells[m] for m in MEASURES),
                                cells["nb_unites"])):
        groups[key].append(i)
    twins = [g for g in groups.values() if len(g) > 1 and not empty[g[0]]]
    changed = True
    while changed:
        changed = False
        for group in twins:
            if any(status[i] for i in group) and not all(status[i] for i in group):
                for i in group:
                    status[i] = status[i] or "D"
                changed = True
        for total, parts in equation_list:
            terms = [total] + parts
            hidden = [i for i in terms if status[i]]
            need = 0 if not hidden else (3 if len(hidden) == 2 and all(single[i] for i in hidden) else 2)
            if len(hidden) >= need:
                continue
            candidates = sorted((cost[i], i) for i in terms if not status[i] and not empty[i])
            for _, i in candidates[: need - len(hidden)]:
                status[i] = "D"
                changed = True
    return status


def audit_and_repair(cells, equation_list, status: list[str], rules: SecretRules) -> tuple[list[str], int]:
    """(statuses, audit rounds): the greedy mask proved by oress.secrecy's attacker LPs, repaired
    monotonically (hiding a cell only widens an attacker's intervals) with the pair rule closed."""
    import numpy as np
    import scipy.sparse as sp

    from oress.secrecy.attacker import attack
    from oress.secrecy.cells import SecrecyError, protection
    from oress.secrecy.suppress import close_pairs, repair

    rows = [e for e, (_, parts) in enumerate(equation_list) for _ in range(len(parts) + 1)]
    columns = [i for total, parts in equation_list for i in (total, *parts)]
    coefficients = [c for _, parts in equation_list for c in (1.0, *[-1.0] * len(parts))]
    matrix = sp.csr_matrix((coefficients, (rows, columns)), shape=(len(equation_list), len(cells)))
    values = cells[list(MEASURES)].fillna(0).to_numpy(float)
    need_down, need = protection(values, rules, minimum=np.array(
        [rules.minimum_effectifs, rules.minimum_effectifs, rules.minimum_remuneration]))   # MEASURES order
    hidden = np.array([bool(s) for s in status])
    primary = np.array([s in ("A", "B") for s in status])
    free = (cells["nb_unites"] > 0).to_numpy()
    # the note's territories (région, département, pays) are its headlines: repair at commune and EPCI first
    headline = ~cells["niveau"].isin(["commune", "epci"]).to_numpy()
    cost = (1.0 + cells["effectif"].fillna(0).to_numpy(float)) * np.where(headline, rules.poids_totaux, 1.0)
    targets = np.flatnonzero(primary)
    for number in range(1, 51):
        attacks = [attack(matrix, values[:, m], hidden, targets, need_down[targets, m], need[targets, m], exact=False)
                   for m in range(len(MEASURES))]
        if all(result.ok.all() for result in attacks):
            return [s or ("D" if h else "") for s, h in zip(status, hidden)], number
        if not repair(hidden, [cut for result in attacks for cut in result.cuts], cost, free):
            raise SecrecyError("secret trimestriel : l'audit échoue et aucune cellule ne peut plus être masquée")
        close_pairs(hidden, abs(matrix).tocsr(), cost, free, primary)
    raise SecrecyError("secret trimestriel : audit toujours en échec après 50 tours : agréger la publication")


def territory_members(connection) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """Each non-commune territory → its parts: communes, plus départements for a région, régions for France."""
    rows = connection.execute("""
        select niveau, code, 'commune', depcom from ref_territoire_commune where niveau <> 'commune'
        union all
        select distinct 'region', c.reg, 'departement', c.dep from ref_communes c
        union all
        select distinct 'france', 'FR', 'region', c.reg from ref_communes c
        order by 1, 2, 3, 4""").fetchall()
    members = defaultdict(list)
    for niveau, code, part_niveau, part in rows:
        members[(niveau, code, "communes" if part_niveau == "commune" else "niveau")].append((part_niveau, part))
    return [((n, c), parts) for (n, c, _), parts in members.items()]


def build_published(connection, rules: SecretRules) -> dict[str, int]:
    """pub_trimestres: mart_trimestres' cells with secret measures NULL and their status."""
    cells = connection.execute("select * from mart_trimestres order by millesime, niveau, code, champ, modalite").df()
    cells["secret"] = ""
    if len(cells):
        equation_list = equations(cells, territory_members(connection))
        cells["secret"], _ = audit_and_repair(cells, equation_list, protect_cells(cells, equation_list, rules), rules)
    for measure in MEASURES:
        cells[measure] = cells[measure].where(cells["secret"] == "")
    published = cells[list(KEY) + ["libelle", "trimestre", *MEASURES, "secret"]]
    connection.register("_pub_trimestres", published)
    connection.execute("create or replace table pub_trimestres as select * from _pub_trimestres "
                       "order by niveau, code, champ, modalite")
    connection.unregister("_pub_trimestres")
    counts = cells["secret"].replace("", "publie").value_counts()
    return {status: int(n) for status, n in sorted(counts.items())}
