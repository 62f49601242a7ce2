import duckdb
import pytest

from oress.config import load_spec
from oress.reference import load_reference
from tests.conftest import write_spec

# The default perimeter (E12b, ESS France orders to INSEE 2017-2019), written out by family.
E12B = {
    "association": "9210 9220 9221 9222 9223 9230 9260",
    "fondation": "9300",
    "mutuelle": "6411 8140 8210 8250 8290",
    "cooperative": "5191 5192 5193 5194 5195 5196 5203 5307 5309 5432 5443 5451 5453 5454 5455 5458 5459 5460 "
                   "5505 5532 5543 5547 5551 5552 5553 5554 5555 5558 5559 5560 5605 5632 5643 5647 5651 5652 "
                   "5653 5654 5655 5658 5659 5660 6100 6316 6317 6318 6532 6543 6551 6554 6558 6560 6595 6596",
}


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ref")
    connection = duckdb.connect()
    load_reference(connection, load_spec(write_spec(folder)))
    yield connection
    connection.close()


def scalar(connection, sql, *params):
    return connection.execute(sql, list(params)).fetchone()[0]


def test_every_current_commune_has_its_departement_region_and_epci(ref):
    assert scalar(ref, "select count(*) from ref_communes") == 34875
    assert scalar(ref, "select count(*) from ref_communes where dep not in (select dep from ref_departements) "
                       "or reg not in (select reg from ref_regions)") == 0
    assert scalar(ref, "select count(*) from ref_communes where epci not in (select epci from ref_epci)") == 0
    # only the four island communes without an EPCI (Bréhat, Sein, Ouessant, Yeu)
    assert {r[0] for r in ref.execute("select depcom from ref_communes where epci is null").fetchall()} == {
        "22016", "29083", "29155", "85113"}
    assert scalar(ref, "select count(distinct dep) from ref_communes") == 101


def test_former_codes_lead_to_todays_commune(ref):
    pairs = dict(ref.execute("select code_ancien, depcom from ref_communes_anciennes "
                             "where code_ancien in ('75101', '69381', '13201', '50173', '14114', '50459')").fetchall())
    assert pairs == {"75101": "75056", "69381": "69123", "13201": "13055", "50173": "50129", "14114": "14712",
                     "50459": "50502"}
    assert scalar(ref, "select count(*) from ref_communes_anciennes "
                       "where depcom not in (select depcom from ref_communes)") == 0


def test_perimeter_holds_exactly_the_67_codes_with_their_families(ref):
    rows = set(ref.execute("select cj, famille from ref_perimetre_cj").fetchall())
    expected = {(cj, famille) for famille, codes in E12B.items() for cj in codes.split()}
    assert len(expected) == 67 and rows == expected
    assert scalar(ref, "select perimetre from ref_meta") == "e12b"
    assert {r[0] for r in ref.execute("select siren from ref_perimetre_forcages").fetchall()} == {
        "058801481", "320342264", "778150615", "383089752", "326127784"}


@pytest.mark.parametrize("apet, secteur_a, detail_a, secteur_b, detail_b", [
    ("8810A", "A07", "AQB02", "B09", "AQB02"), ("8810C", "A07", "AQB03", "B09", "AQB03"),
    ("8730A", "A07", "AQB01", "B09", "AQB01"), ("8899B", "A07", "AQB05", "B09", "AQB05"),
    ("9499Z", "A10", None, "B12", None), ("9491Z", "A11", None, "B13", None),
    ("8553Z", "A05", None, "B07", "BE01"), ("8542Z", "A05", None, "B07", "BE02"), ("8560Z", "A05", None, "B07", "BE03"),
    ("4711D", "A11", None, "B03", None), ("7022Z", "A11", None, "B06", None), ("0161Z", "A01", None, "B01", None),
    ("4321A", "A02", None, "B02", None), ("6419Z", "A04", None, "B05", None), ("9312Z", "A09", None, "B11", None),
])
def test_naf_sector_typologies(ref, apet, secteur_a, detail_a, secteur_b, detail_b):
    row = ref.execute("select secteur_a, secteur_a_detail, secteur_b, secteur_b_detail from ref_naf_secteurs "
                      "where apet = ?", [apet]).fetchone()
    assert row == (secteur_a, detail_a, secteur_b, detail_b)
    assert scalar(ref, "select count(*) from ref_naf_secteurs") == 732


def test_standard_levels_cover_every_commune(ref):
    counts = dict(ref.execute("select niveau, count(*) from ref_territoire_commune group by 1").fetchall())
    assert counts["commune"] == counts["departement"] == counts["region"] == counts["france"] == 34875
    assert counts["epci"] == 34871
    # 1 352 communes in Calvados, Manche and Orne in the current COG (INSEE/Etalab découpage 2026)
    assert scalar(ref, "select count(*) from ref_territoire_commune where niveau = 'departement' "
                       "and code in ('14', '50', '61')") == 1352


def test_the_share_definitions_name_known_champs_with_one_label_per_code(ref):
    """ref_indicateurs (data/reference/indicateurs.csv), read by pub_parts: a typo in a champ would drop a share."""
    assert ref.execute("select indicateur from ref_indicateurs order by cast(ordre as integer)").fetchall() == [
        ("part_dans_ensemble",), ("part_dans_prive",), ("part_dans_ess",), ("repartition",)]
    assert scalar(ref, "select count(*) from ref_indicateurs where libelle is null") == 0
    assert scalar(ref, """select count(*) from (select numerateur_champ as champ from ref_indicateurs
                                                union all
                                                select unnest(string_split(denominateur_champs, '+'))
                                                from ref_indicateurs)
                          where champ not in (select champ from ref_champs)""") == 0
    assert scalar(ref, "select count(*) from ref_indicateurs where numerateur_avec_ce_champ not in ('oui', 'non')") == 0
    assert ref.execute("select indicateur from ref_indicateurs where comparee_aux_references = 'oui' "
                       "order by cast(ordre as integer)").fetchall() == [("part_dans_ensemble",), ("part_dans_prive",)]
    assert scalar(ref, "select count(*) from ref_indicateurs where comparee_aux_references not in ('oui', 'non')") == 0


def test_one_label_per_dimension_and_one_list_of_job_attributes(ref, tmp_path):
    """ref_dimensions (data/reference/dimensions.csv) is the only list of the breakdowns and of the job attributes
    (cells without an additive establishment count): the secrecy engine's pure constant, the spec's breakdowns,
    the pages' and the workbook's labels all agree with it."""
    from oress import classifications
    from oress.config import default_publication
    from oress.secrecy.equations import JOB_DIMENSIONS

    jobs = [r[0] for r in ref.execute("select dimension from ref_dimensions where emploi = 'oui' "
                                      "order by cast(ordre as integer)").fetchall()]
    assert jobs == ["sexe", "age", "csp", "temps_travail", "contrat"]
    assert set(jobs) == JOB_DIMENSIONS == set(classifications.versioned().job_dimensions)
    assert scalar(ref, "select count(*) from ref_dimensions where emploi not in ('oui', 'non')") == 0
    dimensions = classifications.versioned().dimensions
    assert tuple(default_publication()) == classifications.versioned().breakdowns == tuple(d.code for d in dimensions)
    published = {b for b, _ in load_spec(write_spec(tmp_path)).publication.levels_by_breakdown}
    assert published == set(classifications.versioned().breakdowns)
    for dimension in dimensions:   # a heading, an xlsx sheet name (31 characters at most), a phrase for a job's
        assert dimension.label and dimension.short_label and len(dimension.short_label) <= 31, dimension
        assert bool(dimension.phrase) == dimension.job, dimension
