-- Every leaf champ (champ_detail) of each champ tree with itself and each champ above it, read from the
-- parent links: ref_champs (the annual tree) and ref_champs_trimestres_arbre (the quarterly, private one).
-- Grain: arbre × champ_detail × champ; hauteur counts the steps up from the leaf.
with recursive arbres as (
    select 'annuel' as arbre, champ, parent, ordre from ref_champs
    union all
    select 'trimestriel' as arbre, champ, parent, ordre from ref_champs_trimestres_arbre
),

ancetres as (
    select f.arbre, f.champ as champ_detail, f.champ, 0 as hauteur
    from arbres as f
    where f.champ not in (select p.parent from arbres as p where p.arbre = f.arbre and p.parent is not null)
    union all
    select a.arbre, a.champ_detail, c.parent as champ, a.hauteur + 1 as hauteur
    from ancetres as a
    inner join arbres as c on a.arbre = c.arbre and a.champ = c.champ
    where c.parent is not null
),

final as (
    select a.arbre, a.champ_detail, a.champ, a.hauteur, cast(f.ordre as integer) as ordre_detail, o.ordre
    from ancetres as a
    inner join arbres as f on a.arbre = f.arbre and a.champ_detail = f.champ
    inner join arbres as o on a.arbre = o.arbre and a.champ = o.champ
)

select * from final
