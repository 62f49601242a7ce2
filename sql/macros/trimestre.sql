-- oress_trimestre(texte): a quarter as '2024T3' from 2024T3, 2024-T3, 2024Q3, T3 2024, T3-2024, or from a
-- date (2024-09-30, 30/09/2024, 20240930: the quarter holding that day); NULL when unreadable.
create or replace macro oress_trimestre(texte) as (
    with lu as (select upper(regexp_replace(trim(coalesce(texte, '')), '[\s_/.-]', '', 'g')) as t,
                       trim(coalesce(texte, '')) as brut)
    select case
        when regexp_full_match(t, '(19|20)[0-9]{2}[TQ][1-4]') then left(t, 4) || 'T' || right(t, 1)
        when regexp_full_match(t, '[TQ][1-4](19|20)[0-9]{2}') then right(t, 4) || 'T' || substr(t, 2, 1)
        else strftime(coalesce(try_strptime(brut, '%Y-%m-%d'), try_strptime(brut, '%d/%m/%Y'),
                               try_strptime(brut, '%Y%m%d')), '%Y')
             || 'T' || quarter(coalesce(try_strptime(brut, '%Y-%m-%d'), try_strptime(brut, '%d/%m/%Y'),
                                        try_strptime(brut, '%Y%m%d')))
    end from lu);
