-- Loaded establishment × quarter lines, classified into the ESS perimeter by the one classification the
-- annual establishments and the SIRENE register use (int_classification), on the CJ and APE staging attached.
-- Public-law employers keep champ_detail 'public':
-- URSSAF's series cover private employers, so the quarterly marts leave them out (counted in checks).
-- Grain: millesime × siret × trimestre.
with trimestres as (
    select * from stg_trimestres where motif is null
),

classified as (
    select t.*, c.champ_detail
    from trimestres t
    join int_classification c on c.siren = t.siren and c.cj = t.cj and c.apet = t.apet
),

final as (
    select millesime, siret, siren, trimestre, annee, numero_trimestre, depcom, apet, cj, origine_cj,
           champ_detail,
           champ_detail in (select champ_detail from ref_champs_agregation where champ = 'ess') as est_ess,
           effectif, masse_salariale
    from classified
)

select * from final
