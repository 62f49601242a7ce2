"""sql/published/pub_indicateurs.sql and sql/conjoncture/pub_trimestres.sql on a handful of hand-written cells and
secret statuses, in an in-memory DuckDB: the published tables null exactly the secret measures, drop the atoms, keep
the types, the column order and the cells' order, without running the secrecy engine."""
import duckdb
import pytest

from oress.warehouse import SQL_DIR, models, run_order

KEY = "millesime, niveau, code, champ, dimension, modalite"
# (niveau, code, champ, modalite, etablissements, postes, etp, remuneration_brute, secret), millésime 2018,
# dimension 'taille' (atoms: dimension 'ensemble'); listed in the order of pub_cellules (ordre)
CELLS = [
    ("region", "28", "ensemble", "0-9", 40, 120, 110.5, 3_300_000.25, ""),
    ("region", "28", "ess", "0-9", 2, 7, 6.5, 190_000.0, "A"),
    ("atome", "a1", "ess", "0-9", 1, 3, 2.0, 60_000.0, "A"),
    ("epci", "200067205", "ess", "0-9", 9, 30, 28.0, 840_000.0, "D"),
    ("atome", "a2", "ensemble", "0-9", 5, 15, 14.0, 420_000.0, ""),
    ("departement", "50", "ensemble", "0-9", 20, 60, 55.25, 1_650_000.5, "B"),
    ("departement", "50", "ess", "0-9", 8, 25, 24.0, 700_000.0, ""),
]
COLUMNS = [("millesime", "INTEGER"), ("niveau", "VARCHAR"), ("code", "VARCHAR"), ("libelle", "VARCHAR"),
           ("champ", "VARCHAR"), ("dimension", "VARCHAR"), ("modalite", "VARCHAR"), ("etablissements", "BIGINT"),
           ("postes", "BIGINT"), ("etp", "DOUBLE"), ("remuneration_brute", "DOUBLE"), ("secret", "VARCHAR")]


def published(connection, folder: str, name: str):
    sql = (SQL_DIR / folder / f"{name}.sql").read_text(encoding="utf-8")
    connection.execute(f"create table {name} as {sql}")
    columns = connection.execute(f"select column_name, data_type from information_schema.columns "
                                 f"where table_name = '{name}' order by ordinal_position").fetchall()
    return columns, connection.execute(f"select * from {name}").fetchall()


def write_cells(connection, extension: str = "") -> None:
    """pub_cellules as sql/protect writes it (mart_cellules' types), in reverse so that only `ordre` orders them;
    `extension` adds a column after the measures, as INSEE's tables add approximatif."""
    rows = ", ".join(f"(2018, '{n}', '{c}', 'libellé {c}', '{ch}', 'taille', '{m}', {e}, {p}, {t}, {r}, {i})"
                     for i, (n, c, ch, m, e, p, t, r, _) in reversed(list(enumerate(CELLS))))
    connection.execute(f"""create table pub_cellules as
        select millesime::integer as millesime, niveau, code, libelle, champ, dimension, modalite,
               etablissements::bigint as etablissements, postes::bigint as postes, etp::double as etp,
               remuneration_brute::double as remuneration_brute{extension}, ordre::bigint as ordre
        from (values {rows}) t(millesime, niveau, code, libelle, champ, dimension, modalite, etablissements,
                               postes, etp, remuneration_brute, ordre)""")
    statuses = ", ".join(f"(2018, '{n}', '{c}', '{ch}', 'taille', '{m}', '{s}')" for n, c, ch, m, *_, s in CELLS)
    connection.execute(f"create table pub_secret as select * from (values {statuses}) t({KEY}, secret)")


@pytest.fixture()
def connection():
    with duckdb.connect() as connection:
        yield connection


def test_secret_measures_are_null_atoms_dropped_types_kept(connection):
    write_cells(connection)
    columns, rows = published(connection, "published", "pub_indicateurs")
    assert columns == COLUMNS
    expected = [(2018, n, c, f"libellé {c}", ch, "taille", m, *((e, p, t, r) if s == "" else (None,) * 4), s)
                for n, c, ch, m, e, p, t, r, s in CELLS if n != "atome"]
    assert rows == expected                    # in pub_cellules' order, the published measures exact


def test_a_cell_without_a_status_shows_no_measure(connection):
    write_cells(connection)
    connection.execute("delete from pub_secret where niveau = 'region' and champ = 'ensemble'")
    _, rows = published(connection, "published", "pub_indicateurs")
    assert rows[0][2:] == ("28", "libellé 28", "ensemble", "taille", "0-9", None, None, None, None, None)


def test_an_extension_column_follows_the_status(connection):
    write_cells(connection, extension=", ordre % 2 = 0 as approximatif")
    columns, rows = published(connection, "published", "pub_indicateurs")
    assert columns == [*COLUMNS, ("approximatif", "BOOLEAN")]
    assert [row[-1] for row in rows] == [i % 2 == 0 for i, cell in enumerate(CELLS) if cell[0] != "atome"]


def test_quarterly_cells(connection):
    rows = ", ".join(f"(2019, '{n}', '{c}', 'libellé {c}', '{ch}', '2019T{q}', {e}, {p}, {r})"
                     for n, c, ch, q, e, p, r in [("region", "28", "ess", 2, 12, 150, 1_200_000.5),
                                                  ("epci", "E1", "ess", 1, 2, 9, 70_000.0),
                                                  ("region", "28", "ess", 1, 11, 140, 1_100_000.0),
                                                  ("region", "28", "association", 1, 8, 100, 800_000.0)])
    connection.execute(f"""create table mart_trimestres as
        select millesime::integer as millesime, niveau, code, libelle, champ, 'trimestre' as dimension,
               trimestre as modalite, trimestre, etablissements::bigint as etablissements, effectif::bigint as effectif,
               masse_salariale::double as masse_salariale, 1::bigint as nb_unites
        from (values {rows}) t(millesime, niveau, code, libelle, champ, trimestre, etablissements, effectif,
                               masse_salariale)""")
    connection.execute(f"""create table pub_trimestres_secret as select * from (values
        (2019, 'region', '28', 'ess', 'trimestre', '2019T2', ''),
        (2019, 'epci', 'E1', 'ess', 'trimestre', '2019T1', 'A'),
        (2019, 'region', '28', 'ess', 'trimestre', '2019T1', 'D'),
        (2019, 'region', '28', 'association', 'trimestre', '2019T1', '')) t({KEY}, secret)""")
    columns, published_rows = published(connection, "conjoncture", "pub_trimestres")
    assert [name for name, _ in columns] == ["millesime", "niveau", "code", "champ", "dimension", "modalite",
                                             "libelle", "trimestre", "etablissements", "effectif", "masse_salariale",
                                             "secret"]
    assert [kind for _, kind in columns[-4:]] == ["DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR"]
    assert [row[1:4] + row[5:6] + row[-4:] for row in published_rows] == [     # niveau, code, champ, trimestre
        ("epci", "E1", "ess", "2019T1", None, None, None, "A"),
        ("region", "28", "association", "2019T1", 8, 100, 800_000.0, ""),
        ("region", "28", "ess", "2019T1", None, None, None, "D"),
        ("region", "28", "ess", "2019T2", 12, 150, 1_200_000.5, ""),
    ]


@pytest.mark.parametrize("layers", [("protect", "published"), ("livraison", "published")])
def test_each_flow_feeds_the_one_pub_indicateurs_before_the_derived_figures(layers):
    sources = models(layers)
    order = run_order(sources)
    assert order.index("pub_cellules") < order.index("pub_indicateurs") < order.index("pub_derives")
    assert [p.parent.name for p in SQL_DIR.glob("*/pub_indicateurs.sql")] == ["published"]
