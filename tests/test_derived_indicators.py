"""sql/published/pub_derives.sql and the models it reads (pub_parts, pub_references…) on a dozen hand-written
published cells, in an in-memory DuckDB: a change of the derived indicators is checked in a second, without
building a warehouse.

Territories: EPCI E1 (communes c1, c2) and E2 (c3) in département 50 (c1, c2, c3), région 28; two millésimes
of one source. Cells are dimension 'ensemble' only; the fondations of E1 in 2018 are secret (NULL)."""
import duckdb
import pytest

from oress.config import REFERENCE_DIR
from oress.reference import load_csv
from oress.warehouse import models, run_models

# (millesime, niveau, code, champ, postes): etablissements = postes / 10, etp = postes, wages 30 000 € an ETP
CELLS = [
    (2018, "epci", "E1", "ensemble", 1000), (2018, "epci", "E1", "ess", 150),
    (2018, "epci", "E1", "association", 100), (2018, "epci", "E1", "fondation", None),
    (2018, "epci", "E1", "prive_hors_ess", 550),
    (2018, "epci", "E2", "ensemble", 500), (2018, "epci", "E2", "ess", 100),
    (2018, "departement", "50", "ensemble", 4000), (2018, "departement", "50", "ess", 500),
    (2017, "epci", "E1", "ensemble", 960), (2017, "epci", "E1", "ess", 120),
]


@pytest.fixture(scope="module")
def derived():
    with duckdb.connect() as connection:
        connection.execute(f"""create table pub_indicateurs as
            select millesime::integer as millesime, niveau, code, code as libelle, champ, 'ensemble' as dimension,
                   'ensemble' as modalite, postes / 10 as etablissements, postes, postes::double as etp,
                   30000.0 * postes as remuneration_brute, case when postes is null then 'A' else '' end as secret
            from (values {", ".join(map(repr, CELLS)).replace("None", "null")})
                 t(millesime, niveau, code, champ, postes)""")
        connection.execute("""create table ref_territoire_commune as
            select * from (values ('epci', 'E1', 'c1'), ('epci', 'E1', 'c2'), ('epci', 'E2', 'c3'),
                                  ('departement', '50', 'c1'), ('departement', '50', 'c2'),
                                  ('departement', '50', 'c3')) t(niveau, code, depcom)""")
        connection.execute("""create table ref_communes as
            select * from (values ('c1', '50', '28', '1000'), ('c2', '50', '28', '500'),
                                  ('c3', '50', '28', '800')) t(depcom, dep, reg, population)""")
        connection.execute("""create table ref_references_nationales as
            select '2018' as millesime, champ, postes / 10 as etablissements, postes, postes as etp,
                   30000.0 * postes as remuneration_brute
            from (values ('ensemble', 20000000), ('ess', 2000000), ('prive_hors_ess', 12000000)) t(champ, postes)""")
        load_csv(connection, "ref_champs", REFERENCE_DIR / "champs.csv")   # the champ tree
        connection.execute("""create table ref_sources_millesimes as
            select 'FLORES' as source, '2016' as millesime_min, '2030' as millesime_max""")
        derived_models = {name: sql for name, sql in models(("published",)).items() if name != "pub_indicateurs"}
        run_models(connection, derived_models)
        rows = connection.execute("select millesime, code, champ, indicateur, mesure, valeur, reference, "
                                  "valeur_reference from pub_derives").fetchall()
    return {(m, code, champ, indicator, measure, reference): (value, against)
            for m, code, champ, indicator, measure, value, reference, against in rows}


def value(derived, code, champ, indicator, measure="postes", reference=None, millesime=2018):
    return derived[(millesime, code, champ, indicator, measure, reference)][0]


def test_shares(derived):
    assert value(derived, "E1", "ess", "part_dans_ensemble") == pytest.approx(15.0)               # 150 / 1000
    assert value(derived, "E1", "ess", "part_dans_prive") == pytest.approx(100 * 150 / 700)       # ESS + privé
    assert value(derived, "E1", "association", "part_dans_ess") == pytest.approx(100 * 100 / 150)
    assert value(derived, "E1", "ess", "part_dans_ensemble", "etablissements") == pytest.approx(15.0)


def test_a_secret_cell_gives_no_derived_value(derived):
    assert value(derived, "E1", "fondation", "part_dans_ensemble") is None
    assert value(derived, "E1", "fondation", "part_dans_ess") is None


def test_gaps_with_the_departement_and_france(derived):
    """E1's département is 50 (all its population): 12,5 % of ESS jobs there; France's reference 10 %."""
    assert value(derived, "E1", "ess", "ecart_part_dans_ensemble", reference="departement 50") == pytest.approx(2.5)
    france = "france (référence nationale FLORES)"
    assert value(derived, "E1", "ess", "ecart_part_dans_ensemble", reference=france) == pytest.approx(5.0)
    assert derived[(2018, "E1", "ess", "ecart_part_dans_ensemble", "postes", france)][1] == pytest.approx(10.0)


def test_rank_among_the_epci(derived):
    """E2: 100 / 500 = 20 %, ahead of E1's 15 %: E1 is 2nd of 2."""
    assert derived[(2018, "E1", "ess", "rang_part_dans_ensemble", "postes", "epci")] == (2.0, 2.0)
    assert derived[(2018, "E2", "ess", "rang_part_dans_ensemble", "postes", "epci")] == (1.0, 2.0)


def test_wage_and_change_since_the_previous_millesime(derived):
    assert value(derived, "E1", "ess", "salaire_moyen_etp", "remuneration_brute") == pytest.approx(30000.0)
    assert value(derived, "E1", "ess", "evolution_absolue", reference="millesime 2017") == pytest.approx(30.0)
    assert value(derived, "E1", "ess", "evolution_pct", reference="millesime 2017") == pytest.approx(25.0)
    assert value(derived, "E1", "ess", "tcam", reference="millesime 2017") == pytest.approx(25.0)
