-- The published cells in long format: one row per cell × mesure, NULL where the cell is secret.
-- Grain: millesime × territory × champ × dimension × modalite × mesure.
select c.millesime, c.niveau, c.code, c.libelle, c.champ, c.dimension, c.modalite, m.mesure,
       case m.mesure when 'etablissements' then c.etablissements when 'postes' then c.postes
                     when 'etp' then c.etp else c.remuneration_brute end::double as valeur
from pub_indicateurs c
cross join (values ('etablissements'), ('postes'), ('etp'), ('remuneration_brute')) m(mesure)
