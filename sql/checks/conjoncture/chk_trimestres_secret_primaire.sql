-- The primary guarantee on quarterly cells: no published cell rests on one or two enterprises, and a
-- secret cell shows no measure.
select p.*
from pub_trimestres p
join mart_trimestres m using (niveau, code, champ, trimestre)
where (p.secret = '' and m.nb_unites between 1 and 2)
   or (p.secret <> '' and (p.effectif is not null or p.masse_salariale is not null or p.etablissements is not null))
