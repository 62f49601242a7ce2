"""Load the versioned reference CSVs (classifications, geography, territories) as ref_* tables."""
from __future__ import annotations

from pathlib import Path

from oress.config import GEO_DIR, REFERENCE_DIR, RunSpec
from oress.geography import GEOMETRY_FILE
from oress.pipeline_base import say
from oress.warehouse import building, models, run_models

# table name → CSV file; every column is read as text so codes keep their leading zeros.
STATIC_TABLES = {
    "ref_champs": "champs.csv",
    "ref_champs_trimestres_arbre": "champs_trimestres.csv",   # the tree of the quarterly (URSSAF) series
    "ref_cj_secteur_public": "cj_secteur_public.csv",
    "ref_naf_secteurs": "naf_secteurs.csv",
    "ref_secteurs_libelles": "typologies_secteurs_libelles.csv",
    "ref_tranches_taille": "tranches_taille.csv",
    "ref_tranches_age": "tranches_age.csv",
    "ref_csp": "csp.csv",
    "ref_temps_travail": "temps_travail.csv",
    "ref_contrats": "contrats.csv",
    "ref_sexes": "sexes.csv",
    "ref_references_nationales": "references_nationales.csv",
    "ref_sources_millesimes": "sources_millesimes.csv",
    "ref_sirene_tranches": "sirene_tranches.csv",
    "ref_indicateurs": "indicateurs.csv",   # the shares' definitions (numerator, denominator) and labels
    "ref_dimensions": "dimensions.csv",   # the breakdowns (ventilations): labels, job attributes, order
    "ref_communes": "geo/communes.csv",
    "ref_communes_anciennes": "geo/communes_anciennes.csv",
    "ref_epci": "geo/epci.csv",
    "ref_departements": "geo/departements.csv",
    "ref_regions": "geo/regions.csv",
}
PERIMETER_TABLES = {
    "ref_perimetre_cj": "perimetre_{version}.csv",
    "ref_perimetre_exclusions": "perimetre_{version}_exclusions.csv",
    "ref_perimetre_forcages": "perimetre_{version}_forcages.csv",
}


def load_csv(connection, table: str, path: Path) -> int:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: table de référence absente (lancer `oress reference --refresh`)")
    connection.execute(
        f"create or replace table {table} as select * from read_csv(?, delim=';', header=true, "
        "all_varchar=true, quote='\"', encoding='utf-8')", [str(path)])
    (count,) = connection.execute(f"select count(*) from {table}").fetchone()
    return count


def load_reference(connection, spec: RunSpec, reference_dir: Path = REFERENCE_DIR) -> dict[str, int]:
    """Create every ref_* table, including the spec's territories; return row counts."""
    from oress.territories import load_territories

    tables = dict(STATIC_TABLES)
    tables.update({name: file.format(version=spec.perimetre) for name, file in PERIMETER_TABLES.items()})
    counts = {table: load_csv(connection, table, reference_dir / file) for table, file in tables.items()}
    for table in run_models(connection, models(("reference",))):   # sql/reference: tables derived from the CSVs
        (counts[table],) = connection.execute(f"select count(*) from {table}").fetchone()
    connection.execute("create or replace table ref_meta as select ? as perimetre, ? as cog",
                       [spec.perimetre, cog_version()])
    counts["ref_territoire_commune"] = load_territories(connection, spec)
    counts["ref_publication"] = load_publication(connection, spec)
    counts["ref_atomes"] = load_atoms(connection)
    if GEOMETRY_FILE.exists():
        connection.execute("create or replace table ref_communes_geometrie as select * from read_parquet(?)",
                           [str(GEOMETRY_FILE)])
    return counts


def load_publication(connection, spec: RunSpec) -> int:
    """ref_publication: the (dimension, niveau) pairs the spec publishes."""
    pairs = spec.publication.pairs(spec.custom_levels)
    connection.execute("create or replace table ref_publication (dimension varchar, niveau varchar)")
    connection.executemany("insert into ref_publication values (?, ?)", pairs)
    return len(pairs)


def load_atoms(connection) -> int:
    """ref_atomes (dimension, code, libelle, depcom): the unpublished atoms a reader derives by subtracting
    published territories that overlap (oress.secrecy.atoms); the marts compute their cells at the
    niveau `atome`, never published, so that the secrecy audit protects them."""
    from oress.secrecy.atoms import needed_atoms

    members = connection.execute("select niveau, code, depcom from ref_territoire_commune").df()
    publication = connection.execute("select dimension, niveau from ref_publication").df()
    atoms = needed_atoms(members, publication)
    connection.register("atomes", atoms)
    connection.execute("""
        create or replace table ref_atomes as
        with tailles as (select code, count(distinct depcom) as n from atomes group by code)
        select a.dimension, a.code,
               case when t.n = 1 then c.libelle else 'Partie de territoire : ' || t.n || ' communes dont ' ||
                    (select c2.libelle from ref_communes c2 where c2.depcom = split_part(a.code, '+', 1)) end
               as libelle, a.depcom
        from atomes a join tailles t using (code) join ref_communes c using (depcom)
        order by a.dimension, a.code, a.depcom
    """)
    connection.unregister("atomes")
    (count,) = connection.execute("select count(*) from ref_atomes").fetchone()
    return count


def cog_version() -> str:
    from oress.geography import DECOUPAGE_PACKAGE

    return f"COG via {DECOUPAGE_PACKAGE}"


def refresh_csvs(reference_dir: Path = REFERENCE_DIR) -> dict[str, int]:
    """Re-extract geography and NAF CSVs from the registry packages (cached in data/reference/cache)."""
    from oress import geography, nomenclatures

    tarball, wheel = geography.fetch_packages()
    counts = geography.extract_geography(tarball, GEO_DIR)
    counts["naf"] = nomenclatures.extract_naf(nomenclatures.fetch_naf())
    counts["geometries"] = geography.extract_geometries(wheel)
    return counts


def run(spec: RunSpec, refresh: bool = False) -> None:
    """The reference step: ref_* tables (and, with `refresh`, the CSVs re-extracted from the packages first)."""
    if refresh:
        say(f"  extraction depuis les paquets : {refresh_csvs()}")
    with building(spec.warehouse) as connection:
        counts = load_reference(connection, spec)
    say(f"  {len(counts)} tables ref_* ; {counts['ref_communes']} communes ; "
        f"{counts['ref_territoire_commune']} lignes territoire → commune")
