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


def load_definitions(connection):
    """The champ tree (ref_champs, its roll-up ref_champs_ancetres), the shares' definitions (ref_indicateurs) and
    the dimensions (ref_dimensions: which are the job attributes)."""
    for table, name in (("ref_champs", "champs.csv"), ("ref_champs_trimestres_arbre", "champs_trimestres.csv"),
                        ("ref_indicateurs", "indicateurs.csv"), ("ref_dimensions", "dimensions.csv")):
        load_csv(connection, table, REFERENCE_DIR / name)
    run_models(connection, models(("reference",)))


def derived_figures(edit: str | None = None) -> dict:
    """pub_derives on CELLS, keyed (millesime, code, champ, indicateur, mesure, reference) → (valeur,
    valeur_reference); `edit`: SQL run on the reference tables first."""
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
        load_definitions(connection)
        connection.execute("""create table ref_sources_millesimes as
            select 'FLORES' as source, '2016' as millesime_min, '2030' as millesime_max""")
        if edit:
            connection.execute(edit)
        derived_models = {name: sql for name, sql in models(("published",)).items() if name != "pub_indicateurs"}
        run_models(connection, derived_models)
        rows = connection.execute("select millesime, code, champ, indicateur, mesure, valeur, reference, "
                                  "valeur_reference from pub_derives").fetchall()
    return {(m, code, champ, indicator, measure, reference): (value, against)
            for m, code, champ, indicator, measure, value, reference, against in rows}


@pytest.fixture(scope="module")
def derived():
    return derived_figures()


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
    # the private sector's: E1's 150 / (150 + 550), France's 2 000 000 / (2 000 000 + 12 000 000)
    assert value(derived, "E1", "ess", "ecart_part_dans_prive", reference=france) == pytest.approx(
        100 * 150 / 700 - 100 * 2 / 14)


def test_rank_among_the_epci(derived):
    """E2: 100 / 500 = 20 %, ahead of E1's 15 %: E1 is 2nd of 2."""
    assert derived[(2018, "E1", "ess", "rang_part_dans_ensemble", "postes", "epci")] == (2.0, 2.0)
    assert derived[(2018, "E2", "ess", "rang_part_dans_ensemble", "postes", "epci")] == (1.0, 2.0)


def test_wage_and_change_since_the_previous_millesime(derived):
    assert value(derived, "E1", "ess", "salaire_moyen_etp", "remuneration_brute") == pytest.approx(30000.0)
    assert value(derived, "E1", "ess", "evolution_absolue", reference="millesime 2017") == pytest.approx(30.0)
    assert value(derived, "E1", "ess", "evolution_pct", reference="millesime 2017") == pytest.approx(25.0)
    assert value(derived, "E1", "ess", "tcam", reference="millesime 2017") == pytest.approx(25.0)


def test_a_share_is_a_row_of_the_definitions():
    """pub_parts alone on a few cells of three EPCI: a definition added to ref_indicateurs is a new share, with
    no SQL written; a denominator that sums champs is NULL when one of them is secret, absent when one is
    missing; repartition skips the establishments of a job dimension (its `sauf_` columns)."""
    cells = [("E1", "ensemble", "ensemble", 1000), ("E1", "ess", "ensemble", 150), ("E1", "public", "ensemble", 300),
             ("E1", "prive_hors_ess", "ensemble", 550), ("E1", "hors_ess", "ensemble", 850),
             ("E1", "ess", "sexe", 90),
             ("E2", "ensemble", "ensemble", 500), ("E2", "ess", "ensemble", 100),
             ("E2", "prive_hors_ess", "ensemble", None),    # secret
             ("E3", "ensemble", "ensemble", 200), ("E3", "ess", "ensemble", 20)]   # no privé hors ESS cell
    with duckdb.connect() as connection:
        load_definitions(connection)
        connection.execute("""insert into ref_indicateurs (indicateur, libelle, ordre, numerateur_champ,
                                  numerateur_avec_ce_champ, denominateur_champs)
                              values ('part_dans_hors_ess', 'Part du champ dans le hors ESS, en %', '5',
                                      'hors_ess', 'non', 'hors_ess')""")
        rows = ", ".join(f"('{code}', '{champ}', '{dimension}', {'null' if postes is None else postes})"
                         for code, champ, dimension, postes in cells)
        connection.execute(f"""create table pub_mesures as
            select 2018 as millesime, 'epci' as niveau, code, code as libelle, champ, dimension,
                   case dimension when 'sexe' then '2' else 'ensemble' end as modalite, m.mesure,
                   postes::double / case m.mesure when 'etablissements' then 10 else 1 end as valeur
            from (values {rows}) t(code, champ, dimension, postes)
            cross join (values ('etablissements'), ('postes')) m(mesure)""")
        run_models(connection, {"pub_parts": models(("published",))["pub_parts"]})
        shares = {row[:4]: row[4] for row in connection.execute(
            "select code, champ, indicateur, mesure, part from pub_parts where dimension = 'ensemble'").fetchall()}
        by_sex = connection.execute(
            "select champ, indicateur, mesure, part from pub_parts where dimension = 'sexe'").fetchall()
    assert shares[("E1", "public", "part_dans_hors_ess", "postes")] == pytest.approx(100 * 300 / 850)
    assert shares[("E1", "prive_hors_ess", "part_dans_hors_ess", "postes")] == pytest.approx(100 * 550 / 850)
    assert {key for key in shares if key[2] == "part_dans_hors_ess"} == {
        ("E1", champ, "part_dans_hors_ess", mesure) for champ in ("public", "prive_hors_ess")
        for mesure in ("etablissements", "postes")}                 # the champs under hors_ess, not itself
    assert shares[("E1", "ess", "part_dans_prive", "postes")] == pytest.approx(100 * 150 / (150 + 550))
    assert shares[("E2", "ess", "part_dans_prive", "postes")] is None      # not 100 * 100 / 100
    assert ("E3", "ess", "part_dans_prive", "postes") not in shares
    assert shares[("E3", "ess", "part_dans_ensemble", "postes")] == pytest.approx(10.0)
    assert [row[:3] for row in by_sex] == [("ess", "repartition", "postes")]   # no etablissements, no other share
    assert by_sex[0][3] == pytest.approx(60.0)                                  # 90 of the ESS's 150


def test_the_compared_shares_are_read_from_the_definitions():
    """pub_references and pub_comparaisons compare the shares marked comparee_aux_references = 'oui': the
    families' share in the ESS instead of the private one, with France's 1 500 000 associations' jobs (75 %)."""
    figures = derived_figures("""
        update ref_indicateurs set comparee_aux_references = case indicateur when 'part_dans_ess' then 'oui'
            when 'part_dans_prive' then 'non' else comparee_aux_references end;
        insert into ref_references_nationales values ('2018', 'association', 150000, 1500000, 1500000, 0)""")
    france = "france (référence nationale FLORES)"
    gap = figures[(2018, "E1", "association", "ecart_part_dans_ess", "postes", france)]
    assert gap == (pytest.approx(100 * 100 / 150 - 75), pytest.approx(75.0))
    assert figures[(2018, "E1", "association", "rang_part_dans_ess", "postes", "epci")] == (1.0, 1.0)
    assert not [key for key in figures if key[3].endswith("_part_dans_prive")]
    assert value(figures, "E1", "ess", "ecart_part_dans_ensemble", reference=france) == pytest.approx(5.0)
