-- The published cells, the one definition of pub_indicateurs: every cell of pub_cellules but the unpublished
-- atoms (niveau 'atome'), with its status from pub_secret ('A', 'B', 'D' written by oress protect, 'S' from
-- INSEE's tables, '' published) and its four measures NULL when secret, in pub_cellules' order. A column of
-- pub_cellules beyond the key, libellé and measures (approximatif, from INSEE's tables) follows secret.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
select c.millesime::integer as millesime, c.niveau, c.code, c.libelle, c.champ, c.dimension, c.modalite,
       (case when s.secret = '' then c.etablissements end)::bigint as etablissements,
       (case when s.secret = '' then c.postes end)::bigint as postes,
       (case when s.secret = '' then c.etp end)::double as etp,
       (case when s.secret = '' then c.remuneration_brute end)::double as remuneration_brute,
       s.secret,
       c.* exclude (millesime, niveau, code, libelle, champ, dimension, modalite, etablissements, postes, etp,
                    remuneration_brute, ordre)
from pub_cellules c
left join pub_secret s using (millesime, niveau, code, champ, dimension, modalite)
where c.niveau <> 'atome'
order by c.ordre
