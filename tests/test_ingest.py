"""Bad files stop the run with a message naming the file and the fix; the previous warehouse and reports are
byte-identical afterwards. Lines keep their physical number whatever the file holds."""
from dataclasses import replace

import duckdb
import pytest

from oress import pipeline
from oress.config import SpecError, load_spec
from oress.ingest import InputError
from tests.conftest import DATA, prepared_run, write_spec

FORMATS = DATA / "formats" / "pivot"


@pytest.fixture
def good_run(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {"etablissements.csv": DATA / "slice" / "2018" /
                                                        "etablissements.csv",
                                                        "postes.csv": FORMATS / "postes.csv"})
    pipeline.ingest(spec)
    return spec


def replace_raw(spec, content: bytes, name: str = "etablissements.csv"):
    (spec.raw_dir / "2018" / name).write_bytes(content)


def outputs(spec) -> dict:
    files = [spec.warehouse, *sorted(p for p in spec.reports_dir.rglob("*") if p.is_file())]
    return {str(p): p.read_bytes() for p in files}


UNREADABLE = [
    (b"siret;depcom;apet;cj;postes;etp\n12345678901234;50502;8810A;9220;1;1\n",
     "colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : remuneration_brute"),
    (b"", "fichier vide ou sans ligne d'en-tête"),
    (b"\x00\x01\x02\x03\x04binary junk\x00\n", "contenu binaire"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "archive zip : la décompresser"),
    ("siret;sexe\n".encode("utf-16"), "UTF-16 : le réenregistrer en CSV UTF-8"),
]


@pytest.mark.parametrize("content, message", UNREADABLE[:3] + [
    (b"siret;siren;depcom;apet;cj;postes;etp;remuneration_brute\n", "aucune ligne de données"),
    (b"siret;depcom;apet;cj;postes;etp;remuneration_brute\n1\t2\n3\t4\n", "aucune ligne lisible"),
    (b"siret;depcom;apet;cj;postes;etp;remuneration_brute;SIRET\n1;2;3;4;5;6;7;8\n", "colonne\\(s\\) en double"),
] + UNREADABLE[3:])
def test_unreadable_establishment_file_stops_and_keeps_every_output(good_run, content, message):
    before = outputs(good_run)
    replace_raw(good_run, content)
    with pytest.raises(InputError, match=message) as error:
        pipeline.ingest(good_run)
    assert "etablissements.csv" in str(error.value)
    assert outputs(good_run) == before
    assert not list(good_run.warehouse.parent.glob(".*building")) and not list(good_run.warehouse.parent.glob(
        ".oress-*"))


@pytest.mark.parametrize("content, message", [
    (b"siret;sexe;age;pcs;contrat;etp;remuneration_brute;present_3112\n77567227200011;1;40;526A;CDI;1;1;1\n",
     "format le plus proche : pivot, colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : temps_travail"),
    *UNREADABLE[1:3],
])
def test_unreadable_job_file_stops_and_keeps_every_output(good_run, content, message):
    before = outputs(good_run)
    replace_raw(good_run, content, "postes.csv")
    with pytest.raises(InputError, match=message) as error:
        pipeline.ingest(good_run)
    assert "postes.csv" in str(error.value)
    assert outputs(good_run) == before


def test_the_cli_exits_non_zero_with_the_message(good_run, capsys):
    from typer.testing import CliRunner

    from oress.cli import app

    replace_raw(good_run, b"")
    result = CliRunner().invoke(app, ["ingest", "--spec", str(good_run.path)])
    assert result.exit_code == 1 and "etablissements.csv: fichier vide" in result.output


def test_job_file_is_optional(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {"etablissements.csv": FORMATS / "etablissements.csv"})
    pipeline.ingest(spec)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from raw_postes").fetchone() == (0,)
        assert connection.execute("select count(*) from stg_postes").fetchone() == (0,)
        assert connection.execute("select nature from raw_fichiers").fetchall() == [("etablissements",)]


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


def test_windows_1252_bytes_and_undefined_bytes_are_kept(good_run):
    header = b"siret;siren;depcom;apet;cj;postes;etp;remuneration_brute;denomination\n"
    line = b"77567227200011;775672272;50502;8810A;9220;3;2,5;61 234,5;C\x92est l\x9cuvre \x80 \x81\n"
    replace_raw(good_run, header + line)
    replace_raw(good_run, b"siret;sexe;age;pcs;temps_travail;contrat;etp;remuneration_brute;present_3112\n",
                "postes.csv")
    with pytest.raises(InputError, match="postes.csv: aucune ligne de données"):
        pipeline.ingest(good_run)
    (good_run.raw_dir / "2018" / "postes.csv").unlink()
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        assert connection.execute("select denomination, remuneration_brute from stg_etablissements").fetchall() == [
            ("C’est lœuvre € \x81", 61234.5)]


def test_malformed_lines_are_rejected_with_their_line_number(good_run):
    content = (DATA / "slice" / "2018" / "etablissements.csv").read_bytes()
    content += b"99999999999999;50502;8810A\n"                      # line 14: too few columns
    content += b"99999999999998;;50502;8810A;9220;x;1;1;;\n"      # line 15: postes not a number
    replace_raw(good_run, content)
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        rows = connection.execute("select ligne, motif from rejets where fichier like '%etablissements.csv' "
                                  "order by ligne").fetchall()
        assert [r[0] for r in rows] == [13, 14, 15]
        assert rows[1][1].startswith("ligne mal formée") and rows[2][1] == "postes non entier ou négatif : x"
        assert connection.execute("select min(ligne), max(ligne) from stg_etablissements").fetchone() == (2, 15)


def test_blank_lines_and_quoted_line_breaks_keep_physical_line_numbers(good_run):
    header = "siret;siren;depcom;apet;cj;postes;etp;remuneration_brute;denomination\n"
    content = (header
               + "77567227200011;775672272;50502;8810A;9220;3;2,5;60000;A\n"          # line 2
               + "\n"                                                                  # line 3: blank
               + '78000000200013;780000002;50502;9499Z;9220;2;1,2;30000;"Deux\nlignes"\n'  # lines 4-5
               + "78000000100012;780000001;50502\n"                                    # line 6: malformed
               + "44000000100014;440000001;50502;4711D;5710;x;1;1;D\n"                 # line 7: rule broken
               + "05880148100010;058801481;50502;6419Z;5599;1;1;40000;E\n"             # line 8
               + "\n\n")
    replace_raw(good_run, content.encode("utf-8"))
    (good_run.raw_dir / "2018" / "postes.csv").unlink()
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        assert connection.execute("select ligne, siret, denomination from stg_etablissements where motif is null "
                                  "order by ligne").fetchall() == [
            (2, "77567227200011", "A"), (4, "78000000200013", "Deux\nlignes"), (8, "05880148100010", "E")]
        assert connection.execute("select ligne, left(motif, 16) from rejets order by ligne").fetchall() == [
            (6, "ligne mal formée"), (7, "postes non entie")]


def test_merged_commune_codes_land_in_todays_communes(good_run):
    content = ("siret;siren;depcom;apet;cj;postes;etp;remuneration_brute\n"
               "77567227200011;775672272;50459;8810A;9220;1;1;30000\n"     # ancienne → Saint-Lô
               "77567227200029;775672272;50173;8810A;9220;1;1;30000\n"     # Équeurdreville → Cherbourg
               "77567227200037;775672272;75115;8810A;9220;1;1;30000\n"     # Paris 15e → Paris
               "77567227200045;775672272;69383;8810A;9220;1;1;30000\n"     # Lyon 3e → Lyon
               "77567227200052;775672272;13208;8810A;9220;1;1;30000\n"     # Marseille 8e → Marseille
               "77567227200060;775672272;55273;8810A;9220;1;1;30000\n")    # two targets: the associée wins
    replace_raw(good_run, content.encode("utf-8"))
    (good_run.raw_dir / "2018" / "postes.csv").unlink()
    pipeline.ingest(good_run)
    with duckdb.connect(str(good_run.warehouse), read_only=True) as connection:
        assert connection.execute("select depcom_brut, depcom from stg_etablissements order by ligne").fetchall() == [
            ("50459", "50502"), ("50173", "50129"), ("75115", "75056"), ("69383", "69123"), ("13208", "13055"),
            ("55273", "55386")]


def test_merged_commune_codes_of_the_2017_demo_file(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {}, millesime=2017)
    spec = replace(spec, region="28")
    pipeline.demo(spec, scale=0.05)
    pipeline.ingest(spec)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        former = connection.execute("""
            select s.depcom_brut, s.depcom, a.depcom
            from stg_etablissements s join stg_communes_cog a on a.code = s.depcom_brut and a.type <> 'actuelle'
        """).fetchall()
        assert former and all(mapped == today for _, mapped, today in former)
        assert connection.execute("select count(*) from stg_etablissements where motif like 'commune%'"
                                  ).fetchone() == (0,)


def test_missing_raw_file_names_the_folder(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    with pytest.raises(SpecError, match="aucun fichier etablissements"):
        pipeline.ingest(spec)
