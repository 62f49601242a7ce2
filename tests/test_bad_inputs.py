"""The bad-input corpus (tests/data/bad, written by make_corpus.py): each file gives a clear error naming it or
clean rejections with their reason — never a crash trace, never a file outside the run's folders, never SQL
built from input text. Plus broken specs, an unwritable output folder and a full disk."""
import errno
import re
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from oress.cli import app, describe
from tests.conftest import DATA, write_spec

BAD = DATA / "bad"
HEADER = "siret;siren;depcom;apet;cj;postes;etp;remuneration_brute;denomination\n"


def run_cli(*arguments):
    result = CliRunner().invoke(app, [str(a) for a in arguments])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def files_under(folder):
    return {p for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def run_with(tmp_path, reference_warehouse):
    """Ingest one raw file as the 2018 establishment extract; return (exit code, output, rejets, spec folder)."""
    def ingest(source):
        (tmp_path / "warehouse").mkdir()
        shutil.copyfile(reference_warehouse, tmp_path / "warehouse" / "oress.duckdb")
        name = "etablissements.csv.gz" if source.name.endswith(".gz") else "etablissements.csv"
        (tmp_path / "raw" / "2018").mkdir(parents=True)
        shutil.copyfile(source, tmp_path / "raw" / "2018" / name)
        spec = write_spec(tmp_path)
        before = files_under(tmp_path.parent)
        result = run_cli("ingest", "--spec", spec)
        created = files_under(tmp_path.parent) - before
        allowed = (tmp_path / "warehouse", tmp_path / "reports")
        assert all(any(p.is_relative_to(a) for a in allowed) for p in created), created
        rejets = []
        if result.exit_code == 0:
            with duckdb.connect(str(tmp_path / "warehouse" / "oress.duckdb"), read_only=True) as connection:
                rejets = connection.execute("select ligne, motif from rejets order by ligne").fetchall()
        return result.exit_code, result.output, rejets
    return ingest


@pytest.mark.parametrize("name, message", [
    ("tronque.csv.gz", "etablissements.csv.gz: fichier illisible .* le fournir à nouveau, complet et non tronqué"),
    ("vide.csv", "etablissements.csv: fichier vide ou sans ligne d'en-tête"),
    ("binaire.csv", "etablissements.csv: contenu binaire, ce n'est pas un CSV"),
])
def test_unreadable_files_stop_with_the_file_and_the_fix(run_with, name, message):
    code, output, _ = run_with(BAD / name)
    assert code == 1
    assert re.search(message, " ".join(output.split()))


@pytest.mark.parametrize("name, counts, rejected", [
    # the repeated header of two concatenated files is line 3: not a siret
    ("en_tete_double.csv", "3 lignes lues = 2 chargées + 1 rejetées", [(3, "siret")]),
    # a line written with commas is one field for a ';' file
    ("separateurs_melanges.csv", "2 lignes lues = 1 chargées + 1 rejetées", [(3, "")]),
    ("retour_ligne_entre_guillemets.csv", "2 lignes lues = 2 chargées + 0 rejetées", []),
    ("cp1252_sans_bom.csv", "2 lignes lues = 2 chargées + 0 rejetées", []),
    # codes written as SQL stay text: rejected with their value, the rejets table is still there
    ("codes_sql.csv", "3 lignes lues = 1 chargées + 2 rejetées",
     [(3, "commune inconnue du COG de référence : 50502')OR('1'='1"),
      (4, "code APE inconnu de la NAF rév. 2 : 8891A\"OR1=1--")]),
])
def test_damaged_lines_are_rejected_with_their_reason(run_with, name, counts, rejected):
    code, output, rejets = run_with(BAD / name)
    assert code == 0 and counts in " ".join(output.split())
    assert [line for line, _ in rejets] == [line for line, _ in rejected]
    for (_, motif), (_, expected) in zip(rejets, rejected):
        assert expected in motif


def test_a_field_larger_than_a_line_buffer_is_rejected_not_fatal(run_with, tmp_path_factory):
    huge = tmp_path_factory.mktemp("huge") / "champ_enorme.csv"
    huge.write_text(HEADER + "77567227200011;775672272;50502;8810A;9220;40;30,5;900000;A\n"
                    "78000000100012;780000001;50502;8891A;9220;12;10;250000;" + "x" * 3_000_000 + "\n")
    code, output, rejets = run_with(huge)
    assert code == 0 and "2 lignes lues = 1 chargées + 1 rejetées" in " ".join(output.split())
    assert [line for line, _ in rejets] == [3]


def test_cp1252_text_is_decoded_not_mangled(run_with, tmp_path):
    run_with(BAD / "cp1252_sans_bom.csv")
    with duckdb.connect(str(tmp_path / "warehouse" / "oress.duckdb"), read_only=True) as connection:
        (name,) = connection.execute("select denomination from stg_etablissements where siret = '77567227200011'"
                                     ).fetchone()
    assert name == "L’Œuvre — « aide »"


@pytest.mark.parametrize("body, message", [
    ('couleur = "rouge"\n', "run.toml: clé inconnue 'couleur' \\(clés admises"),
    ('[[territoires]]\ncode = "../x"\nlibelle = "x"\nniveau = "pays"\ncommunes = ["50502"]\n',
     "code de territoire mal formé '../x'"),
    ('[[territoires]]\ncode = "x"\nlibelle = "x"\nniveau = "pays"\ncommunes = ["50502\'; drop table x"]\n',
     "code mal formé"),
])
def test_broken_specs_are_refused_before_anything_is_written(tmp_path, body, message):
    spec = write_spec(tmp_path, body)
    result = run_cli("build", "--spec", spec)
    assert result.exit_code == 1 and re.search(message, " ".join(result.output.split()))
    assert files_under(tmp_path) == {spec}


def test_an_unwritable_reports_folder_is_refused_before_anything_changes(tmp_path):
    spec = write_spec(tmp_path).read_text(encoding="utf-8").replace('reports_dir = "reports"',
                                                                   'reports_dir = "occupe/reports"')
    (tmp_path / "run.toml").write_text(spec, encoding="utf-8")
    assert run_cli("demo", "--spec", tmp_path / "run.toml").exit_code == 0
    shutil.rmtree(tmp_path / "occupe")
    (tmp_path / "occupe").write_text("un fichier, pas un dossier", encoding="utf-8")
    before = files_under(tmp_path)
    result = run_cli("build", "--spec", tmp_path / "run.toml")
    message = " ".join(result.output.split())
    assert result.exit_code == 1 and f"impossible d'écrire {tmp_path / 'occupe'}" in message
    assert "accessible en écriture" in message
    assert files_under(tmp_path) == before


def test_a_full_disk_says_so():
    with pytest.raises(OSError) as error, open("/dev/full", "w") as device:   # the kernel's always-full device
        device.write("x")
        device.flush()
    assert error.value.errno == errno.ENOSPC
    assert describe(error.value).startswith("disque plein : libérer de la place")
    assert "intacts" in describe(duckdb.IOException('Could not write file "x.duckdb": No space left on device'))
