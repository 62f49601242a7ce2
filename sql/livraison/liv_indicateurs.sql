-- The cells of the tables INSEE delivered, with their secret status (the published layer nulls
-- the secret measures; a model name here would make this model run after it): the run's région,
-- its départements, its EPCI and France as delivered; each custom territory as the sum of its EPCI
-- (or départements) cells, only where every part is delivered; any secret part makes the custom
-- cell secret (S). A part delivered without a line for a cell holds no establishment there (INSEE
-- omits empty cells): zero, and a champ missing from a delivered territory's totals is a zero cell.
-- Nothing is computed by difference. Only the (dimension, niveau) pairs the spec publishes
-- (ref_publication) are kept. Counts are rounded: a delivered value may be an approximation.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
with cellules as (
    select * from liv_cellules_uniques
),

departements_region as (
    select dep from ref_departements where reg = (select region from liv_parametres)
),

-- EPCI delivered for a département of the région (EPCI_T1's dep_epci), or with a
-- commune in the région (BTS tables name no département)
epci_region as (
    select distinct code from liv_cellules
    where niveau = 'epci' and (departement in (select dep from departements_region)
                               or code in (select epci from ref_communes
                                           where reg = (select region from liv_parametres)))
),

standard as (
    select c.millesime, c.niveau, c.code,
           coalesce(case c.niveau when 'france' then 'France' when 'region' then r.libelle
                                  when 'departement' then d.libelle else e.libelle end, c.libelle) as libelle,
           c.champ, c.dimension, c.modalite, c.etablissements, c.postes, c.etp, c.remuneration_brute, c.secret,
           c.approximatif
    from cellules c
    left join ref_regions r on c.niveau = 'region' and r.reg = c.code
    left join ref_departements d on c.niveau = 'departement' and d.dep = c.code
    left join ref_epci e on c.niveau = 'epci' and e.epci = c.code
    where c.niveau = 'france'
       or (c.niveau = 'region' and c.code = (select region from liv_parametres))
       or (c.niveau = 'departement' and c.code in (select dep from departements_region))
       or (c.niveau = 'epci' and c.code in (select code from epci_region))
),

-- territories made only of EPCI or only of départements can be summed from delivered cells
composables as (
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
    select distinct millesime, niveau, code from cellules
),

cles as (
    select distinct m.territoire, c.millesime, c.champ, c.dimension, c.modalite
    from membres m join cellules c on (c.niveau, c.code) = (m.niveau_membre, m.membre)
),

parts as (
    select k.*, m.membre, l.code is not null as membre_livre, c.code is not null as cellule_livree,
           c.secret, c.etablissements, c.postes, c.etp, c.remuneration_brute,
           coalesce(c.approximatif, false) as approximatif
    from cles k
    join membres m using (territoire)
    left join livres l on (l.millesime, l.niveau, l.code) = (k.millesime, m.niveau_membre, m.membre)
    left join cellules c on (c.millesime, c.niveau, c.code, c.champ, c.dimension, c.modalite)
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

personnalises as (
    select s.millesime, t.niveau, t.code, t.libelle, s.champ, s.dimension, s.modalite,
           etablissements, postes, etp, remuneration_brute,
           case when secret_partie then 'S' else '' end as secret,
           approximatif and not secret_partie as approximatif
    from sommes s join ref_territoires t on t.code = s.territoire
    where s.complet
),

livrees as (
    select * from standard
    union all
    select * from personnalises
),

-- INSEE omits a champ without any establishment: in a delivered territory it is a true zero
zeros as (
    select t.millesime, t.niveau, t.code, t.libelle, c.champ, 'ensemble' as dimension, 'ensemble' as modalite,
           0 as etablissements, 0 as postes, 0.0 as etp, 0.0 as remuneration_brute, '' as secret,
           false as approximatif
    from (select distinct millesime, niveau, code, libelle from livrees where dimension = 'ensemble') t
    cross join ref_champs c
    where (t.millesime, t.niveau, t.code, c.champ) not in
          (select (millesime, niveau, code, champ) from livrees where dimension = 'ensemble')
),

toutes as (
    select * from livrees
    union all
    select * from zeros
)

select millesime::integer as millesime, niveau, code, libelle, champ, dimension, modalite,
       round(etablissements)::bigint as etablissements, round(postes)::bigint as postes, etp::double as etp,
       remuneration_brute::double as remuneration_brute, secret, approximatif
from toutes
where (dimension, niveau) in (select (dimension, niveau) from ref_publication)
