-- Accounting identities of the quarterly cells: ensemble privé = ESS + privé hors ESS, ESS = Σ families,
-- and every loaded private line counted once in the région it belongs to. Offending rows returned.
with cellules as (
    select niveau, code, trimestre, champ, effectif, masse_salariale, etablissements from mart_trimestres
),

champs as (
    select c.niveau, c.code, c.trimestre, 'ensemble_prive <> ess + prive_hors_ess' as identite
    from cellules c
    join cellules e using (niveau, code, trimestre)
    join cellules p using (niveau, code, trimestre)
    where c.champ = 'ensemble_prive' and e.champ = 'ess' and p.champ = 'prive_hors_ess'
      and (c.effectif <> e.effectif + p.effectif or c.etablissements <> e.etablissements + p.etablissements
           or abs(c.masse_salariale - e.masse_salariale - p.masse_salariale) > 0.01)
    union all
    select e.niveau, e.code, e.trimestre, 'ess <> somme des familles'
    from cellules e
    join (select niveau, code, trimestre, sum(effectif) as effectif, sum(etablissements) as etablissements
          from cellules where champ in (select champ from ref_champs_trimestres_arbre where parent = 'ess')
          group by all) f
      using (niveau, code, trimestre)
    where e.champ = 'ess' and (e.effectif <> f.effectif or e.etablissements <> f.etablissements)
),

lignes as (
    select trimestre, c.reg as code, sum(effectif) as effectif, count(*) as etablissements
    from int_trimestres t join ref_communes c using (depcom)
    where t.champ_detail <> 'public'
    group by all
),

regions as (
    select l.code, l.trimestre, 'région <> lignes privées chargées' as identite
    from lignes l
    left join cellules r on r.niveau = 'region' and r.code = l.code and r.trimestre = l.trimestre
                        and r.champ = 'ensemble_prive'
    where r.effectif is distinct from l.effectif or r.etablissements is distinct from l.etablissements
)

select niveau, code, trimestre, identite from champs
union all
select 'region', code, trimestre, identite from regions
