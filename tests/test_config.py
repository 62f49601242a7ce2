import pytest

from oress.config import SpecError, load_spec
from tests.conftest import write_spec

TERRITORY = """
[[territoires]]
code = "centre-manche"
libelle = "Centre Manche"
niveau = "pays"
epci = ["200066389"]
communes = ["50147"]
"""


def test_demo_spec_loads_with_its_territories():
    spec = load_spec("pipelines/demo.toml")
    codes = {t.code for t in spec.territoires}
    assert {"pays-du-cotentin", "cotentin-rural", "pays-de-coutances", "pays-saint-lois", "centre-manche",
            "pays-baie-mont-saint-michel", "perche-ornais"} <= codes
    rural = next(t for t in spec.territoires if t.code == "cotentin-rural")
    assert rural.sauf_communes == ("50129",)
    assert spec.millesimes == (2017, 2018) and spec.region == "28"


def test_paths_are_relative_to_the_spec(tmp_path):
    spec = load_spec(write_spec(tmp_path, TERRITORY))
    assert spec.raw_dir == tmp_path / "raw"
    assert spec.warehouse == tmp_path / "warehouse" / "oress.duckdb"
    assert spec.territoires[0].epci == ("200066389",)
    assert spec.secret.frequence_min == 3 and spec.secret.dominance_seuil == 0.85


def test_unknown_top_level_key_is_named(tmp_path):
    with pytest.raises(SpecError, match="clé inconnue 'raw_directory'"):
        load_spec(write_spec(tmp_path, 'raw_directory = "x"\n'))


def test_unknown_territory_key_is_named(tmp_path):
    with pytest.raises(SpecError, match=r"territoires\]\] n°1: clé inconnue 'commune'"):
        load_spec(write_spec(tmp_path, TERRITORY + 'commune = ["50147"]\n'))


def test_unknown_secret_key_is_named(tmp_path):
    with pytest.raises(SpecError, match="clé inconnue 'seuil'"):
        load_spec(write_spec(tmp_path, "[secret]\nseuil = 3\n"))


def test_missing_required_key(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('raw_dir = "raw"\nwarehouse = "w.duckdb"\nreports_dir = "r"\nmillesimes = [2018]\n')
    with pytest.raises(SpecError, match="clé obligatoire absente 'region'"):
        load_spec(path)


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match="introuvable"):
        load_spec(tmp_path / "absent.toml")


@pytest.mark.parametrize("key, value", [
    ("communes", '["5014"]'), ("communes", '["2C004"]'), ("epci", '["20006638"]'),
    ("departements", '["9"]'), ("sauf_communes", '["abcde"]'),
])
def test_malformed_member_code_is_named(tmp_path, key, value):
    body = f'[[territoires]]\ncode = "t"\nlibelle = "T"\nniveau = "pays"\nepci = ["200066389"]\n{key} = {value}\n'
    with pytest.raises(SpecError, match=f"code mal formé .* dans '{key}'"):
        load_spec(write_spec(tmp_path, body.replace('epci = ["200066389"]\nepci', "epci")))


def test_malformed_territory_code(tmp_path):
    with pytest.raises(SpecError, match="code de territoire mal formé 'Centre Manche'"):
        load_spec(write_spec(tmp_path, TERRITORY.replace('code = "centre-manche"', 'code = "Centre Manche"')))


def test_territory_needs_members(tmp_path):
    body = '[[territoires]]\ncode = "vide"\nlibelle = "Vide"\nniveau = "pays"\nsauf_communes = ["50129"]\n'
    with pytest.raises(SpecError, match="au moins une des clés"):
        load_spec(write_spec(tmp_path, body))


def test_custom_level_cannot_shadow_a_standard_level(tmp_path):
    with pytest.raises(SpecError, match="niveau 'epci' invalide"):
        load_spec(write_spec(tmp_path, TERRITORY.replace('niveau = "pays"', 'niveau = "epci"')))


def test_duplicated_territory(tmp_path):
    with pytest.raises(SpecError, match="défini deux fois 'centre-manche'"):
        load_spec(write_spec(tmp_path, TERRITORY + TERRITORY))


def test_malformed_region_and_unknown_perimeter(tmp_path):
    path = write_spec(tmp_path)
    path.write_text(path.read_text().replace('region = "28"', 'region = "Normandie"'))
    with pytest.raises(SpecError, match="code région mal formé"):
        load_spec(path)
    with pytest.raises(SpecError, match="périmètre 'e99' inconnu"):
        load_spec(write_spec(tmp_path, 'perimetre = "e99"\n'))


def test_publication_defaults_expand_custom_levels(tmp_path):
    pairs = load_spec(write_spec(tmp_path, TERRITORY)).publication.pairs(("pays",))
    assert ("ensemble", "commune") in pairs and ("secteur", "commune") not in pairs
    assert {("secteur", "pays"), ("taille", "epci"), ("sexe", "departement"), ("secteur_b", "region")} <= set(pairs)
    assert ("secteur_b", "epci") not in pairs


def test_publication_overrides_one_breakdown(tmp_path):
    spec = load_spec(write_spec(tmp_path, TERRITORY + '\n[publication]\ntaille = ["region"]\n'))
    pairs = spec.publication.pairs(spec.custom_levels)
    assert [level for dimension, level in pairs if dimension == "taille"] == ["region"]
    assert ("secteur", "pays") in pairs                      # the others keep their default


@pytest.mark.parametrize("body, message", [
    ('[publication]\nsecteurs = ["epci"]\n', "clé inconnue 'secteurs'"),
    ('[publication]\ntaille = ["canton"]\n', "'taille' doit être une liste de niveaux"),
])
def test_publication_errors_are_named(tmp_path, body, message):
    with pytest.raises(SpecError, match=message):
        load_spec(write_spec(tmp_path, TERRITORY + body))
