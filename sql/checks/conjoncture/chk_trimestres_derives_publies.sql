-- A quarterly derived indicator with a value must rest on published cells only: offending rows are
-- values whose cell or reference cell is secret.
select d.*
from pub_trimestres_derives d
join pub_trimestres c
  on (c.niveau, c.code, c.champ, c.trimestre) = (d.niveau, d.code, d.champ, d.modalite)
left join pub_trimestres r
  on (r.niveau, r.code, r.champ, r.trimestre) = (d.niveau, d.code, d.champ, d.trimestre_reference)
left join pub_trimestres t
  on (t.niveau, t.code, t.trimestre) = (d.niveau, d.code, d.modalite) and t.champ = 'ensemble_prive'
where d.valeur is not null
  and (c.secret <> '' or coalesce(r.secret, '') <> ''
       or (d.indicateur = 'part_dans_prive' and t.secret <> ''))
