-- The private champs of the quarterly (URSSAF) series: every leaf champ (champ_detail) with itself and
-- each champ above it, read from ref_champs_trimestres_arbre (parent links; labels are those of
-- ref_champs, but for the private whole). Grain: champ_detail × champ.
with recursive ancetres as (
    select f.champ as champ_detail, f.champ, 0 as hauteur
    from ref_champs_trimestres_arbre as f
    where f.champ not in (select p.parent from ref_champs_trimestres_arbre as p where p.parent is not null)
    union all
    select a.champ_detail, c.parent as champ, a.hauteur + 1 as hauteur
    from ancetres a
    join ref_champs_trimestres_arbre c on a.champ = c.champ
    where c.parent is not null
),

final as (
    select a.champ_detail, a.champ, o.ordre
    from ancetres a
    join ref_champs_trimestres_arbre f on a.champ_detail = f.champ
    join ref_champs_trimestres_arbre o on a.champ = o.champ
    order by cast(f.ordre as integer), a.hauteur
)

select * from final
