-- Every commune code an extract may carry → today's commune (reference COG): current codes, former
-- codes of merged communes, delegated and associated communes, Paris/Lyon/Marseille arrondissements.
-- Two former codes point to two communes in the table (55273, 60455): the current status wins
-- (arrondissement, then déléguée, then associée, then ancienne), so each code maps to one commune.
-- Grain: code.
with actuelles as (
    select depcom as code, depcom, 'actuelle' as type from ref_communes
),

anciennes as (
    select code_ancien as code, depcom, type
    from ref_communes_anciennes
    where code_ancien not in (select code from actuelles)
    qualify row_number() over (
        partition by code_ancien
        order by case type when 'arrondissement' then 1 when 'deleguee' then 2 when 'associee' then 3 else 4 end,
                 depcom) = 1
)

select code, depcom, type from actuelles
union all
select code, depcom, type from anciennes
