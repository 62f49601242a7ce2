-- Each territory against its references: the gap (points) between its headline share (comparee_aux_references
-- = 'oui' in ref_indicateurs) and the reference's, and its rank among the territories of its level. On
-- employment (postes), the measure publications compare.
-- Grain: millesime × territory × champ × indicateur × mesure × reference.
with parts as (
    select * from pub_parts
),

ecarts as (
    select p.millesime, p.niveau, p.code, p.libelle, p.champ, p.dimension, p.modalite,
           'ecart_' || p.indicateur as indicateur, p.mesure, p.part - r.part_reference as valeur, 'points' as unite,
           r.reference, r.part_reference as valeur_reference, false as rupture
    from parts p
    join pub_references r using (millesime, niveau, code, champ, mesure, indicateur)
    where p.dimension = 'ensemble'
),

rangs as (
    select millesime, niveau, code, libelle, champ, dimension, modalite,
           'rang_' || indicateur as indicateur, mesure,
           rank() over (partition by millesime, niveau, champ, indicateur, mesure order by part desc) as valeur,
           'rang' as unite, niveau as reference,
           count(*) over (partition by millesime, niveau, champ, indicateur, mesure) as valeur_reference,
           false as rupture
    from parts
    where dimension = 'ensemble' and mesure = 'postes' and part is not null
      and indicateur in (select indicateur from ref_indicateurs where comparee_aux_references = 'oui')
)

select * from ecarts
union all select millesime, niveau, code, libelle, champ, dimension, modalite, indicateur, mesure,
                 valeur::double, unite, reference, valeur_reference::double, rupture from rangs
