-- Which territory is computed for which dimension, commune by commune: every territory for the
-- dimensions the spec publishes at its level (ref_publication), and the unpublished atoms a reader
-- derives by difference (ref_atomes, niveau 'atome') for the dimensions they split. The marts compute
-- both; only the published ones reach pub_indicateurs, the atoms are there for the secrecy audit.
select t.niveau, t.code, t.libelle, t.depcom, p.dimension
from ref_territoire_commune t
join ref_publication p on p.niveau = t.niveau
union all
select 'atome' as niveau, a.code, a.libelle, a.depcom, a.dimension
from ref_atomes a
