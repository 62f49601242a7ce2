"""Bad files stop the run with a message naming the file and the fix; the previous warehouse is untouched."""
import duckdb
import pytest

from oress import pipeline
from oress.config import SpecError, load_spec
from tests.conftest import DATA, place_raw, write_spec


@pytest.fixture
def good_run(tmp_path):
    place_raw(tmp_path, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    spec = load_spec(write_spec(tmp_path))
    pipeline.reference(spec)
    pipeline.ingest(spec)
    return spec


def replace_raw(spec, content: bytes):
    (spec.raw_dir / "2018" / "etablissements.csv").write_bytes(content)


@pytest.mark.parametrize("content, message", [
    (b"siret;depcom;apet;cj;postes;etp\n12345678901234;50502;8810A;9220;1;1\n",
     "colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : remuneration_brute"),
    (b"", "fichier vide ou sans ligne d'en-tête"),
    (b"\x00\x01\x02PK\x03\x04binary junk\x00\n", "contenu binaire"),
])
def test_unreadable_file_stops_and_keeps_the_previous_warehouse(good_run, content, message):
    before = good_run.warehouse.read_bytes()
    replace_raw(good_run, content)
    with pytest.raises(Exception, match=message) as error:
        pipeline.ingest(good_run)
    assert "etablissements.csv" in str(error.value)
    assert good_run.warehouse.read_bytes() == before
    assert not list(good_run.warehouse.parent.glob(".*building"))


def test_latin1_comma_decimals_and_upper_case_header(good_run):
    lines = (DATA / "slice" / "2018" / "etablissements.csv").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].upper()
    replace_raw(good_run, ("\n".join(lines) + "\n").replace("→", "->").encode("latin-1"))
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        assert connection.execute("select count(*), sum(etp) from stg_etablissements where motif is null"
                                  ).fetchone() == (11, 270.5)
        assert connection.execute("select denomination from stg_etablissements where siret = '78000000400010'"
                                  ).fetchone() == ("Mutuelle d'assurance",)


def test_malformed_lines_are_rejected_with_their_line_number(good_run):
    content = (DATA / "slice" / "2018" / "etablissements.csv").read_bytes()
    content += b"99999999999999;50502;8810A\n"                      # line 14: too few columns
    content += b"99999999999998;;50502;8810A;9220;x;1;1;;\n"      # line 15: postes not a number
    replace_raw(good_run, content)
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        rows = connection.execute("select ligne, motif from rejets order by ligne").fetchall()
        assert [r[0] for r in rows] == [13, 14, 15]
        assert rows[1][1].startswith("ligne mal formée") and rows[2][1] == "postes non entier ou négatif : x"
        assert connection.execute("select min(ligne), max(ligne) from stg_etablissements").fetchone() == (2, 15)


def test_missing_raw_file_names_the_folder(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    with pytest.raises(SpecError, match="aucun fichier etablissements"):
        pipeline.ingest(spec)
