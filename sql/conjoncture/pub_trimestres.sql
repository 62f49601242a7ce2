-- The published quarterly cells: every cell of mart_trimestres with its status from pub_trimestres_secret
-- ('A', 'B', 'D' written by oress conjoncture, '' published) and its three measures NULL when secret.
-- Grain: niveau × code × champ × trimestre.
select m.millesime, m.niveau, m.code, m.champ, m.dimension, m.modalite, m.libelle, m.trimestre,
       (case when s.secret = '' then m.etablissements end)::double as etablissements,
       (case when s.secret = '' then m.effectif end)::double as effectif,
       (case when s.secret = '' then m.masse_salariale end)::double as masse_salariale,
       s.secret
from mart_trimestres m
left join pub_trimestres_secret s using (millesime, niveau, code, champ, dimension, modalite)
order by m.niveau, m.code, m.champ, m.modalite
