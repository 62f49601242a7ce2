-- libellé : le secret de l'INSEE ne devient jamais un nombre
-- INSEE's secret never becomes a number: every delivered secret line is a secret
-- published cell (or not published at all), and no secret cell carries a measure.
select 'mesure sur cellule secrète' as motif, p.niveau, p.code, p.champ, p.dimension, p.modalite
from pub_indicateurs p
where p.secret <> ''
  and (p.etablissements is not null or p.postes is not null or p.etp is not null
       or p.remuneration_brute is not null)
union all
select 'secret livré publié en clair', l.niveau, l.code, l.champ, l.dimension, l.modalite
from liv_cellules l
join pub_indicateurs p using (millesime, niveau, code, champ, dimension, modalite)
where l.motif is null and l.secret <> '' and p.secret = ''
