-- Every delivered cell kept for publication, ranked among the versions of the same
-- cell: the same figure comes in several lines (ESS + Hors ESS × 3. Association and
-- ESS × 3. Association, detail AQB under the total and under Action sociale, France
-- in TC1 and TC13, an EPCI repeated per département). Exact beats approximate, then
-- the file of lower priority number (the one delivering all four measures).
-- Grain: one delivered line (motif is null).
with retenues as (
    select * from liv_cellules where motif is null
),

classees as (
    select *,
           row_number() over (cellule order by approximatif, priorite, fichier, ligne) as rang,
           count(*) over cellule as versions,
           bool_or(secret <> '') over cellule as secret_une_version
    from retenues
    window cellule as (partition by millesime, niveau, code, champ, dimension, modalite)
)

select * from classees
