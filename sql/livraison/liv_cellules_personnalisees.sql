-- The custom territories of the spec made only of EPCI or only of départements, each cell the sum of
-- its members' delivered cells, only where every member is delivered; any secret member makes the
-- cell secret (S). A member delivered without a line for a cell holds no establishment there (INSEE
-- omits empty cells): zero. Nothing is computed by difference.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
with composables as (
    select code as territoire, case min(type_membre) when 'epci' then 'epci' else 'departement' end as niveau_membre
    from ref_territoires_membres
    group by code
    having count(distinct type_membre) = 1 and min(type_membre) in ('epci', 'departements')
),

membres as (
    select c.territoire, c.niveau_membre, m.membre
    from composables c join ref_territoires_membres m on m.code = c.territoire
),

livres as (
    select distinct millesime, niveau, code from liv_cellules_uniques
),

cles as (
    select distinct m.territoire, c.millesime, c.champ, c.dimension, c.modalite
    from membres m join liv_cellules_uniques c on (c.niveau, c.code) = (m.niveau_membre, m.membre)
),

parts as (
    select k.*, m.membre, l.code is not null as membre_livre, c.code is not null as cellule_livree,
           c.secret, c.etablissements, c.postes, c.etp, c.remuneration_brute,
           coalesce(c.approximatif, false) as approximatif
    from cles k
    join membres m using (territoire)
    left join livres l on (l.millesime, l.niveau, l.code) = (k.millesime, m.niveau_membre, m.membre)
    left join liv_cellules_uniques c on (c.millesime, c.niveau, c.code, c.champ, c.dimension, c.modalite)
                                        = (k.millesime, m.niveau_membre, m.membre, k.champ, k.dimension, k.modalite)
),

sommes as (
    select territoire, millesime, champ, dimension, modalite,
           bool_and(membre_livre) as complet,
           bool_or(coalesce(secret, '') <> '') as secret_partie,
           bool_or(approximatif) as approximatif,
           -- a measure the delivery lacks for a part (not secret, just absent) leaves the sum unknown
           case when count(*) filter (where cellule_livree and etablissements is null) = 0
                then sum(coalesce(etablissements, 0)) end as etablissements,
           case when count(*) filter (where cellule_livree and postes is null) = 0
                then sum(coalesce(postes, 0)) end as postes,
           case when count(*) filter (where cellule_livree and etp is null) = 0
                then sum(coalesce(etp, 0)) end as etp,
           case when count(*) filter (where cellule_livree and remuneration_brute is null) = 0
                then sum(coalesce(remuneration_brute, 0)) end as remuneration_brute
    from parts
    group by all
),

final as (
    select s.millesime, t.niveau, t.code, t.libelle, s.champ, s.dimension, s.modalite,
           etablissements, postes, etp, remuneration_brute,
           case when secret_partie then 'S' else '' end as secret,
           approximatif and not secret_partie as approximatif
    from sommes s join ref_territoires t on t.code = s.territoire
    where s.complet
)

select * from final
