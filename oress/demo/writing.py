"""The annual demo files in the pivot format: column order and byte-stable CSV writing."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

ETABLISSEMENT_COLUMNS = ["siret", "siren", "depcom", "apet", "cj", "postes", "etp", "remuneration_brute",
                         "denomination", "ess_sirene"]
POSTE_COLUMNS = ["siret", "sexe", "age", "pcs", "temps_travail", "contrat", "etp", "remuneration_brute",
                 "present_3112"]


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """`;`-separated UTF-8 with a header, written by Arrow (fast and byte-identical for a seed)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from oress.files import write_atomically

    table = pa.Table.from_pandas(frame[columns], preserve_index=False)

    def produce(aside: Path) -> None:
        with open(aside, "wb") as out:
            out.write((";".join(columns) + "\n").encode("utf-8"))
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, delimiter=";",
                                                           quoting_style="none", batch_size=1 << 16))

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, produce)
