import duckdb
import pytest

from oress.config import SpecError, load_spec
from oress.reference import load_reference
from tests.conftest import write_spec


def territory(code, **members):
    lines = [f'[[territoires]]\ncode = "{code}"\nlibelle = "{code}"\nniveau = "pays"']
    lines += [f"{key} = {values!r}".replace("'", '"') for key, values in members.items()]
    return "\n".join(lines) + "\n"


def resolve(tmp_path, body):
    connection = duckdb.connect()
    load_reference(connection, load_spec(write_spec(tmp_path, body)))
    rows = connection.execute("select code, depcom from ref_territoire_commune where niveau = 'pays'").fetchall()
    result = {}
    for code, depcom in rows:
        result.setdefault(code, set()).add(depcom)
    return result


def test_union_of_epci_and_communes(tmp_path):
    got = resolve(tmp_path, territory("centre", epci=["200066389"], communes=["50147", "50502"]))
    assert len(got["centre"]) == 61 + 1          # Saint-Lô Agglo (61 communes, Saint-Lô included) + Coutances
    assert {"50147", "50502"} <= got["centre"]


def test_exclusion_after_the_union(tmp_path):
    got = resolve(tmp_path, territory("rural", epci=["200067205", "200042729"], sauf_communes=["50129"]))
    assert len(got["rural"]) == 129 + 23 - 1 and "50129" not in got["rural"]


def test_departements_as_members(tmp_path):
    got = resolve(tmp_path, territory("basse-normandie", departements=["14", "50", "61"]))
    assert len(got["basse-normandie"]) == 1352


def test_the_demo_pays(tmp_path):
    connection = duckdb.connect()
    load_reference(connection, load_spec("pipelines/demo.toml"))
    counts = dict(connection.execute("select code, count(*) from ref_territoire_commune where niveau = 'pays' "
                                     "group by 1").fetchall())
    assert counts["perche-ornais"] == 71                      # the PETR's 71 communes
    assert counts["centre-manche"] == counts["pays-de-coutances"] + counts["pays-saint-lois"]
    assert counts["cotentin-rural"] == counts["pays-du-cotentin"] - 1


def test_territory_resolving_to_no_commune_is_an_error(tmp_path):
    with pytest.raises(SpecError, match="'vide' ne contient aucune commune"):
        resolve(tmp_path, territory("vide", communes=["50147"], sauf_communes=["50147"]))


@pytest.mark.parametrize("members, message", [
    ({"communes": ["50999"]}, "communes : le code '50999' n'existe pas"),
    ({"epci": ["200000000"]}, "epci : le code '200000000' n'existe pas"),
    ({"departements": ["20"]}, "departements : le code '20' n'existe pas"),
    ({"communes": ["50147"], "sauf_communes": ["99999"]}, "sauf_communes : le code '99999' n'existe pas"),
])
def test_unknown_code_is_an_error(tmp_path, members, message):
    with pytest.raises(SpecError, match=message):
        resolve(tmp_path, territory("t", **members))
