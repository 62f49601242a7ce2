-- Every leaf champ (champ_detail) with itself and each champ above it, read from the tree of
-- ref_champs (parent links): the roll-up the marts join. Grain: champ_detail × champ.
with recursive ancetres as (
    select f.champ as champ_detail, f.champ, 0 as hauteur
    from ref_champs as f
    where f.champ not in (select p.parent from ref_champs as p where p.parent is not null)
    union all
    select a.champ_detail, c.parent as champ, a.hauteur + 1 as hauteur
    from ancetres a
    join ref_champs c on a.champ = c.champ
    where c.parent is not null
),

final as (
    select a.champ_detail, a.champ
    from ancetres a
    join ref_champs f on a.champ_detail = f.champ
    order by cast(f.ordre as integer), a.hauteur
)

select * from final
