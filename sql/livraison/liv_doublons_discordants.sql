-- Versions of a cell that disagree with the version kept: a measure differing (by
-- more than rounding for exact values, by more than 1 % when one is a scientific-
-- notation approximation) or a secret in one version only. Reported in
-- qualite/livraison.json, never silently published.
-- Grain: one delivered line that disagrees with its cell's kept version.
with retenue as (select * from liv_versions where rang = 1),

autres as (select * from liv_versions where rang > 1),

ecarts as (
    select a.millesime, a.niveau, a.code, a.champ, a.dimension, a.modalite, a.fichier, a.ligne,
           r.fichier as fichier_retenu, r.ligne as ligne_retenue, m.mesure, m.valeur, m.valeur_retenue,
           (a.secret <> '') <> (r.secret <> '') as secret_discordant,
           a.approximatif or r.approximatif as approximatif
    from autres a
    join retenue r using (millesime, niveau, code, champ, dimension, modalite)
    cross join lateral (values
        ('etablissements', a.etablissements, r.etablissements), ('postes', a.postes, r.postes),
        ('etp', a.etp, r.etp), ('remuneration_brute', a.remuneration_brute, r.remuneration_brute)
    ) m(mesure, valeur, valeur_retenue)
)

select millesime, niveau, code, champ, dimension, modalite, fichier, ligne, fichier_retenu, ligne_retenue,
       mesure, valeur, valeur_retenue,
       case when secret_discordant then 'secret dans une version seulement (cellule gardée secrète)'
            else 'valeurs différentes' end as motif
from ecarts
where secret_discordant and mesure = 'etablissements'
   or (not secret_discordant and valeur is not null and valeur_retenue is not null
       and abs(valeur - valeur_retenue) > case when approximatif then 0.01 * abs(valeur_retenue) else 0.005 end)
