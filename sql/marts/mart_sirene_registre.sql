-- The SIRENE register by territory: active establishments counted by champ and
-- size band (from SIRENE's tranche d'effectifs), with SIRENE's own ESS flag and
-- the employers among them. A register, kept apart from the employment cells:
-- SIRENE gives a size band, never a headcount. Grain: millesime × niveau × code ×
-- champ × taille (taille 'ensemble' = every band).
with registre as (
    select r.millesime, r.depcom, r.taille, r.ess_sirene, r.caractere_employeur, k.champ_detail
    from stg_sirene r
    join int_classification k using (siren, cj, apet)
    where r.motif is null and r.actif
),

par_taille as (
    select millesime, depcom, champ_detail, taille, ess_sirene, caractere_employeur from registre
    union all
    select millesime, depcom, champ_detail, 'ensemble', ess_sirene, caractere_employeur from registre
),

final as (
    select p.millesime, t.niveau, t.code, t.libelle, a.champ, p.taille,
           count(*) as etablissements,
           count(*) filter (where p.ess_sirene = 'O') as etablissements_ess_sirene,
           count(*) filter (where p.caractere_employeur = 'O') as etablissements_employeurs
    from par_taille p
    join ref_territoire_commune t on t.depcom = p.depcom
    join ref_champs_agregation a on a.champ_detail = p.champ_detail
    group by all
)

select * from final
