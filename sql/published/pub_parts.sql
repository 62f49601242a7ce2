-- Shares (%) of the published cells, one query for every definition of ref_indicateurs
-- (data/reference/indicateurs.csv): the numerator is a cell of a champ under numerateur_champ (that champ
-- too when numerateur_avec_ce_champ = 'oui'); the denominator is the sum of the cells of denominateur_champs
-- ('+' between champs; empty: the numerator's champ) at denominateur_dimension × denominateur_modalite
-- (empty: the numerator's; when set, the numerator's dimension is another), same territory, millésime and
-- mesure; no share of sauf_mesure on a job dimension (ref_dimensions.emploi) when sauf_emploi = 'oui'. A share
-- using a secret cell is NULL; without every denominator cell there is no row.
-- Grain: millesime × territory × champ × dimension × modalite × mesure × indicateur.
with mesures as (
    select * from pub_mesures
),

-- each champ of the annual tree with every champ under it, itself included (ecart 0)
sous_champs as (
    select distinct h.champ as champ_haut, b.champ, h.hauteur - b.hauteur as ecart
    from ref_champs_ancetres h
    join ref_champs_ancetres b on (b.arbre, b.champ_detail) = (h.arbre, h.champ_detail) and b.hauteur <= h.hauteur
    where h.arbre = 'annuel'
),

definitions as (
    select indicateur, numerateur_champ, numerateur_avec_ce_champ = 'oui' as avec_ce_champ,
           string_split(denominateur_champs, '+') as denominateurs, denominateur_dimension,
           denominateur_modalite, sauf_mesure, sauf_emploi = 'oui' as sauf_emploi
    from ref_indicateurs
),

emplois as (
    select dimension from ref_dimensions where emploi = 'oui'
),

-- each numerator cell with each champ of its denominator
numerateurs as (
    select n.*, i.indicateur, i.denominateur_dimension, i.denominateur_modalite,
           len(coalesce(i.denominateurs, [n.champ])) as nb_denominateurs,
           unnest(coalesce(i.denominateurs, [n.champ])) as champ_denominateur
    from mesures n
    join definitions i on n.dimension is distinct from i.denominateur_dimension
        and not coalesce(n.mesure = i.sauf_mesure and i.sauf_emploi and n.dimension in (select * from emplois), false)
    join sous_champs s on (s.champ_haut, s.champ) = (i.numerateur_champ, n.champ) and (s.ecart > 0 or i.avec_ce_champ)
),

parts as (
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.dimension, n.modalite, n.mesure, n.valeur,
           n.indicateur,
           100 * n.valeur / nullif(case when bool_and(d.valeur is not null) then sum(d.valeur) end, 0) as part
    from numerateurs n
    join mesures d on (d.millesime, d.niveau, d.code, d.mesure, d.champ, d.dimension, d.modalite)
        = (n.millesime, n.niveau, n.code, n.mesure, n.champ_denominateur,
           coalesce(n.denominateur_dimension, n.dimension), coalesce(n.denominateur_modalite, n.modalite))
    group by n.millesime, n.niveau, n.code, n.libelle, n.champ, n.dimension, n.modalite, n.mesure, n.valeur,
             n.indicateur, n.nb_denominateurs
    having count(*) = n.nb_denominateurs
)

select * from parts
