"""Each source flavour (pivot, INSEE Latin-1/Windows-1252 with decimal commas, SIRENE stock, Parquet) gives the
same establishments in staging; flavours are recognised from the header, unknown headers are explained."""
import duckdb
import pytest

from oress import pipeline
from oress.ingest import InputError
from oress.sources import SourceError, load_flavour, load_flavours
from tests.conftest import DATA, prepared_run

FORMATS = DATA / "formats"
ESTABLISHMENT = ("siret, siren, depcom, apet, cj, postes, etp, remuneration_brute, denomination, "
                 "coalesce(ess_sirene, '')")
JOB = "siret, sexe, age, pcs, temps_travail, contrat, etp, remuneration_brute, present_3112"
# Hand-computed from tests/data/formats/pivot: the six establishments once codes are normalised.
EXPECTED = [
    ("05880148100010", "058801481", "2A004", "6419Z", "5599", 1, 1.0, 45000.0,
     "Banque à Ajaccio (siret à zéro de tête)", ""),
    ("20000000100016", "200000001", "01001", "8411Z", "7210", 0, 0.0, 0.0,
     "Commune (code 01001 privé de son zéro)", ""),
    ("44000000100014", "440000001", "50129", "4711D", "5710", 2, 1.75, 52000.0,
     "Supérette (ancien code 50173 -> Cherbourg-en-Cotentin)", "N"),
    ("77567227200011", "775672272", "50502", "8810A", "9220", 3, 2.5, 61234.5, "Aide à domicile l’Œuvre", "O"),
    ("78000000100012", "780000001", "75056", "8891A", "9220", 4, 3.8, 123456.78, "Crèche (Paris 15e -> Paris)", "O"),
    ("78000000200013", "780000002", "50502", "9499Z", "9220", 2, 1.2, 30000.5, "Comité – œuvres sociales 5 €", "O"),
]


def ingested(folder, reference, files):
    spec = prepared_run(folder, reference, files)
    pipeline.ingest(spec)
    return spec


def rows(spec, sql):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def pivot(tmp_path_factory, reference_warehouse):
    return ingested(tmp_path_factory.mktemp("pivot"), reference_warehouse,
                    {"etablissements.csv": FORMATS / "pivot" / "etablissements.csv",
                     "postes.csv": FORMATS / "pivot" / "postes.csv"})


def test_pivot_establishments_are_normalised(pivot):
    assert rows(pivot, f"select {ESTABLISHMENT} from stg_etablissements order by siret") == EXPECTED
    assert rows(pivot, "select count(*) from rejets") == [(0,)]
    assert rows(pivot, "select source, encodage, separateur, decimale from raw_fichiers order by nature") == [
        ("pivot", "utf-8", ";", "auto"), ("pivot", "utf-8", ",", "auto")]


def test_insee_windows_1252_file_gives_the_same_rows(tmp_path, reference_warehouse, pivot):
    insee = ingested(tmp_path, reference_warehouse, {"etablissements.csv": FORMATS / "insee" / "etablissements.csv",
                                                     "postes.csv": FORMATS / "insee" / "postes.csv"})
    assert rows(insee, f"select {ESTABLISHMENT} from stg_etablissements order by siret") == EXPECTED
    # TTP (intérim) → INT, empty CONT_TRAV (non renseigné) → AUT; thousands '.' and no-break spaces read.
    assert rows(insee, f"select {JOB} from stg_postes order by ligne") == rows(
        pivot, f"select {JOB} from stg_postes order by ligne")
    assert rows(insee, "select source, encodage, decimale from raw_fichiers") == [
        ("insee", "windows-1252", ",")] * 2
    assert rows(insee, "select count(*) from rejets") == [(0,)]


def test_parquet_with_typed_columns_gives_the_same_rows(tmp_path, reference_warehouse):
    parquet = tmp_path / "etablissements.parquet"
    with duckdb.connect() as connection:
        connection.execute(f"""copy (select * replace (cast(replace(etp, ',', '.') as double) as etp,
                                                        cast(postes as integer) as postes)
                                     from read_csv('{FORMATS / "pivot" / "etablissements.csv"}', all_varchar=true))
                               to '{parquet}' (format parquet)""")
    spec = ingested(tmp_path / "run", reference_warehouse, {"etablissements.parquet": parquet})
    assert rows(spec, f"select {ESTABLISHMENT} from stg_etablissements order by siret") == EXPECTED
    assert rows(spec, "select min(ligne), max(ligne) from stg_etablissements") == [(2, 7)]


def test_gzipped_and_parquet_insee_files(tmp_path, reference_warehouse):
    import gzip

    gz = tmp_path / "etablissements.csv.gz"
    gz.write_bytes(gzip.compress((FORMATS / "insee" / "etablissements.csv").read_bytes()))
    parquet = tmp_path / "postes.parquet"
    with duckdb.connect() as connection:               # EQTP typed as a double: 0.5, never "0,5" nor 5
        connection.execute(f"""copy (select * replace (cast(replace(EQTP, ',', '.') as double) as EQTP)
                                     from read_csv('{FORMATS / "insee" / "postes.csv"}', all_varchar=true,
                                                   encoding='latin-1', delim=';'))
                               to '{parquet}' (format parquet)""")
    spec = ingested(tmp_path / "run", reference_warehouse, {"etablissements.csv.gz": gz, "postes.parquet": parquet})
    assert rows(spec, f"select {ESTABLISHMENT} from stg_etablissements order by siret") == EXPECTED
    assert rows(spec, "select sum(etp), count(*) from stg_postes where motif is null") == [(10.25, 13)]


def test_sirene_stock_is_a_register_of_the_same_establishments(tmp_path, reference_warehouse):
    folder = FORMATS / "sirene" / "sirene"
    spec = ingested(tmp_path, reference_warehouse, {
        "etablissements.csv": FORMATS / "pivot" / "etablissements.csv",
        "sirene/StockEtablissement_utf8.csv": folder / "StockEtablissement_utf8.csv",
        "sirene/StockUniteLegale_utf8.csv": folder / "StockUniteLegale_utf8.csv"})
    common = "siret, siren, depcom, apet, cj, coalesce(ess_sirene, '')"
    assert rows(spec, f"select {common} from stg_sirene where motif is null and actif order by siret") == rows(
        spec, f"select {common} from stg_etablissements order by siret")
    # the register has a size band, never a headcount
    assert rows(spec, "select siret, tranche_effectifs, taille from stg_sirene where actif and motif is null "
                      "and siret like '7%' order by siret") == [
        ("77567227200011", "02", "0-9"), ("78000000100012", "02", "0-9"), ("78000000200013", "01", "0-9")]
    # closed: loaded without the activity check (old NAF rév. 1 code); abroad: out of the territorial scope
    assert rows(spec, "select siret, actif, depcom, motif from stg_sirene where siret like '7800000%00%' "
                      "and siret > '78000000300000' order by siret") == [
        ("78000000300017", False, "50502", None),
        ("78000000400019", True, None, "établissement actif sans commune (à l'étranger) : hors du champ territorial")]
    files = {f["nature"]: (f["lus"], f["charges"], f["rejetes"]) for f in
             __import__("json").loads((spec.reports_for(2018) / "qualite" / "ingestion.json").read_text())["fichiers"]}
    assert files == {"etablissements": (6, 6, 0), "sirene_etablissements": (8, 7, 1),
                     "sirene_unites_legales": (8, 8, 0)}


def test_sirene_register_counts_active_establishments_by_territory_champ_and_size(tmp_path, reference_warehouse):
    folder = FORMATS / "sirene" / "sirene"
    spec = ingested(tmp_path, reference_warehouse, {
        "etablissements.csv": FORMATS / "pivot" / "etablissements.csv",
        "sirene/StockEtablissement_utf8.csv": folder / "StockEtablissement_utf8.csv",
        "sirene/StockUniteLegale_utf8.csv": folder / "StockUniteLegale_utf8.csv"})
    pipeline.transform(spec)
    register = "select champ, taille, etablissements, etablissements_ess_sirene from mart_sirene_registre "
    # Saint-Lô: the home-help association (tranche 02) and the works council (01), both flagged ESS by SIRENE;
    # the dissolved association of Saint-Thomas (closed) and the Belgian one (rejected) are not counted
    assert rows(spec, register + "where niveau = 'commune' and code = '50502' and champ in ('ess', 'ensemble') "
                                 "order by champ, taille") == [
        ("ensemble", "0-9", 2, 2), ("ensemble", "ensemble", 2, 2), ("ess", "0-9", 2, 2), ("ess", "ensemble", 2, 2)]
    # France: 6 active establishments — 3 associations (Saint-Lô ×2, Paris), the cooperative bank of Ajaccio
    # (ESS through its SIREN override although SIRENE does not flag it), a commune (public), the superette
    assert rows(spec, register + "where niveau = 'france' and taille = 'ensemble' and champ in "
                                 "('ensemble', 'ess', 'public', 'prive_hors_ess') order by champ") == [
        ("ensemble", "ensemble", 6, 3), ("ess", "ensemble", 4, 3), ("prive_hors_ess", "ensemble", 1, 0),
        ("public", "ensemble", 1, 0)]


def test_incomplete_sirene_stock_is_refused(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {
        "etablissements.csv": FORMATS / "pivot" / "etablissements.csv",
        "sirene/StockEtablissement_utf8.csv": FORMATS / "sirene" / "sirene" / "StockEtablissement_utf8.csv"})
    with pytest.raises(InputError, match="stock SIRENE incomplet.*StockUniteLegale"):
        pipeline.ingest(spec)


def test_sirene_stock_in_place_of_the_establishment_file_is_explained(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {
        "etablissements.csv": FORMATS / "sirene" / "sirene" / "StockEtablissement_utf8.csv"})
    with pytest.raises(InputError, match="fichier « sirene_etablissements ».*sirene/StockEtablissement"):
        pipeline.ingest(spec)


def test_unknown_header_lists_the_columns_of_every_flavour(tmp_path, reference_warehouse):
    odd = tmp_path / "odd.csv"
    odd.write_text("numero;commune;activite\n77567227200011;50502;8810A\n", encoding="utf-8")
    spec = prepared_run(tmp_path / "run", reference_warehouse, {"etablissements.csv": odd})
    with pytest.raises(InputError) as error:
        pipeline.ingest(spec)
    message = str(error.value)
    assert "etablissements.csv: en-tête non reconnu" in message and "numero, commune, activite" in message
    assert "pivot : siret, depcom, apet, cj, postes, etp, remuneration_brute" in message
    assert "insee : SIRET, DEPCOM|CODGEO|COMT, APET|APE|APE700, CJ|CATJUR, EFF_3112" in message


def test_flavour_definitions_are_strict(tmp_path):
    assert [f.name for f in load_flavours()] == ["insee", "pivot", "sirene", "urssaf"]
    bad = tmp_path / "bad.toml"
    bad.write_text('nom = "x"\nseparateur = ";"\n[etablissements.colonnes]\nsiret = "SIRET"\n', encoding="utf-8")
    with pytest.raises(SourceError, match="colonne pivot obligatoire sans correspondance : depcom"):
        load_flavour(bad)
    bad.write_text('nom = "x"\ndecimal = ","\n', encoding="utf-8")
    with pytest.raises(SourceError, match="clé inconnue 'decimal'"):
        load_flavour(bad)
