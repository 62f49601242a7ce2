-- The secret status of each cell of INSEE's tables ('S' secret at the source or made secret by a secret
-- part, '' published), the statuses the published layer applies.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
select millesime, niveau, code, champ, dimension, modalite, secret
from liv_indicateurs
