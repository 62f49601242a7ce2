-- Code normalisation shared by the staging models. A spreadsheet drops the leading zero of 01001 or
-- of 0111Z, and some files write the APE with a dot (88.91A) or with spaces.
create or replace macro oress_zero_perdu(code, motif) as
    case when regexp_full_match(code, motif) then '0' || code else code end;

-- commune code: spaces removed, upper case (2A/2B), leading zero restored
create or replace macro oress_depcom(texte) as
    oress_zero_perdu(upper(replace(trim(texte), ' ', '')), '[0-9]{4}');

-- APE code: dot and spaces removed, upper case, leading zero restored
create or replace macro oress_apet(texte) as
    oress_zero_perdu(upper(replace(replace(trim(texte), '.', ''), ' ', '')), '[0-9]{3}[A-Z]');
