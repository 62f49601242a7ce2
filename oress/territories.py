"""Resolve every territory, standard or custom, into one table territoire → commune."""
from __future__ import annotations

from oress.config import RunSpec, SpecError, Territory

STANDARD_SQL = """
select 'commune' as niveau, c.depcom as code, c.libelle, c.depcom from ref_communes c
union all
select 'epci', c.epci, e.libelle, c.depcom from ref_communes c join ref_epci e using (epci)
union all
select 'departement', c.dep, d.libelle, c.depcom from ref_communes c join ref_departements d using (dep)
union all
select 'region', c.reg, r.libelle, c.depcom from ref_communes c join ref_regions r using (reg)
union all
select 'france', 'FR', 'France', c.depcom from ref_communes c
"""

# member kind → (reference table, key column) used to check that a code exists
MEMBER_KINDS = {
    "communes": ("ref_communes", "depcom"),
    "epci": ("ref_epci", "epci"),
    "departements": ("ref_departements", "dep"),
    "sauf_communes": ("ref_communes", "depcom"),
}


def _members(territory: Territory) -> list[tuple[str, str, str]]:
    return [(territory.code, kind, code) for kind in MEMBER_KINDS for code in getattr(territory, kind)]


def _check_codes_exist(connection, spec: RunSpec) -> None:
    for territory in spec.territoires:
        for _, kind, code in _members(territory):
            table, column = MEMBER_KINDS[kind]
            (found,) = connection.execute(f"select count(*) from {table} where {column} = ?", [code]).fetchone()
            if not found:
                raise SpecError(
                    f"{spec.path}: territoire {territory.code!r}, {kind} : le code {code!r} n'existe pas "
                    "dans la géographie de référence (COG courant)")


def resolve_custom(connection, spec: RunSpec) -> None:
    """Create ref_territoires (definitions) and the commune list of each custom territory."""
    connection.execute("create or replace table ref_territoires "
                       "(code varchar, libelle varchar, niveau varchar)")
    connection.execute("create or replace table ref_territoires_membres "
                       "(code varchar, type_membre varchar, membre varchar)")
    for territory in spec.territoires:
        connection.execute("insert into ref_territoires values (?, ?, ?)",
                           [territory.code, territory.libelle, territory.niveau])
        if _members(territory):
            connection.executemany("insert into ref_territoires_membres values (?, ?, ?)", _members(territory))
    _check_codes_exist(connection, spec)
    connection.execute("""
        create or replace table ref_territoires_communes as
        with inclus as (
            select m.code, c.depcom from ref_territoires_membres m
            join ref_communes c on (m.type_membre = 'communes' and c.depcom = m.membre)
                                or (m.type_membre = 'epci' and c.epci = m.membre)
                                or (m.type_membre = 'departements' and c.dep = m.membre)
        ),
        exclus as (select code, membre as depcom from ref_territoires_membres where type_membre = 'sauf_communes')
        select distinct t.niveau, t.code, t.libelle, i.depcom
        from inclus i join ref_territoires t using (code)
        where (i.code, i.depcom) not in (select (code, depcom) from exclus)
    """)
    empty = connection.execute("select code from ref_territoires where code not in "
                               "(select code from ref_territoires_communes) order by code").fetchall()
    if empty:
        raise SpecError(f"{spec.path}: le territoire {empty[0][0]!r} ne contient aucune commune "
                        "(vérifier ses communes, epci, departements et sauf_communes)")


def load_territories(connection, spec: RunSpec) -> int:
    """Build ref_territoire_commune over all levels; return its row count."""
    resolve_custom(connection, spec)
    connection.execute(f"""
        create or replace table ref_territoire_commune as
        select niveau, code, libelle, depcom from ({STANDARD_SQL})
        union all
        select niveau, code, libelle, depcom from ref_territoires_communes
        order by niveau, code, depcom
    """)
    (count,) = connection.execute("select count(*) from ref_territoire_commune").fetchone()
    return count
