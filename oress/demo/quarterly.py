"""Quarterly demo extracts (URSSAF-like) consistent with the annual demo files just written.

Reads <raw_dir>/<millesime>/etablissements.csv and writes <raw_dir>/<millesime>/trimestres.csv: one row
per private employer's establishment × quarter. Scope difference with the annual file, by construction:
public-law employers (CJ 4xxx, 7xxx) are left out, as URSSAF's private-sector series do. Within that
scope the Q4 effectif of a year equals the annual postes at 31/12 and the four quarters' masse salariale
sum to the annual gross wages. Q1–Q3 move from the previous Q4 to this Q4 with a seasonal pattern by
activity (summer peak in accommodation and food, summer dip in education and childcare).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from oress.config import RunSpec
from oress.files import write_atomically

# seasonal factor on the linear path between two year-ends, per quarter (Q4 = 1 by construction)
SEASONS = {"default": (0.990, 1.004, 1.010, 1.0), "55": (0.92, 1.06, 1.16, 1.0), "56": (0.95, 1.03, 1.07, 1.0),
           "85": (1.0, 1.0, 0.93, 1.0), "88": (1.0, 1.005, 0.97, 1.0), "93": (0.97, 1.05, 1.08, 1.0)}
WAGE_SHARES = (0.243, 0.247, 0.242, 0.268)   # year-end bonuses weigh on Q4
PUBLIC_CJ_PREFIXES = ("4", "7")


def _annual(path: Path):
    import pandas as pd

    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame = frame[frame["siret"].str.fullmatch(r"\d{14}") & ~frame["cj"].str[:1].isin(PUBLIC_CJ_PREFIXES)]
    frame = frame.assign(postes=pd.to_numeric(frame["postes"], errors="coerce"),
                         remuneration_brute=pd.to_numeric(frame["remuneration_brute"], errors="coerce"))
    return frame[(frame["postes"] >= 0) & (frame["remuneration_brute"] >= 0)].drop_duplicates("siret", keep=False)


def quarters(frame, previous, year: int, rng: np.random.Generator):
    """Four rows per establishment: effectif on the seasonal path from last year's Q4 to this Q4."""
    import pandas as pd

    start = frame["siret"].map(previous) if previous is not None else None
    start = (start.fillna(0) if start is not None
             else np.round(frame["postes"] * rng.uniform(0.95, 1.02, len(frame)))).to_numpy(dtype=float)
    end = frame["postes"].to_numpy(dtype=float)
    division = frame["apet"].str.replace(".", "", regex=False).str[:2]
    rows = []
    for q in range(4):
        factor = division.map(lambda d: SEASONS.get(d, SEASONS["default"])[q]).to_numpy()  # noqa: B023 (run now)
        path = start + (end - start) * (q + 1) / 4
        effectif = end if q == 3 else np.maximum(0, np.round(path * factor * rng.normal(1, 0.01, len(frame))))
        wages = np.round(frame["remuneration_brute"].to_numpy() * WAGE_SHARES[q], 2)
        rows.append(pd.DataFrame({"siret": frame["siret"].to_numpy(), "trimestre": f"{year}T{q + 1}",
                                  "effectif": effectif.astype(int), "masse_salariale": wages}))
    out = pd.concat(rows, ignore_index=True)
    # the four quarters' wages add up to the annual figure to the cent
    out.loc[out["trimestre"] == f"{year}T4", "masse_salariale"] = np.round(
        frame["remuneration_brute"].to_numpy() - sum(np.round(frame["remuneration_brute"].to_numpy() * s, 2)
                                                      for s in WAGE_SHARES[:3]), 2)
    return out


def traps(frame, year: int):
    """Lines URSSAF extracts do hold and the loader must reject with a reason."""
    import pandas as pd

    first = frame.iloc[0]
    return pd.DataFrame([{**first, "trimestre": f"{year}T5"},                               # no such quarter
                         {**first, "siret": "99999999999999", "trimestre": f"{year}T4"}])   # siret unknown: no CJ


def write(frame, path: Path) -> None:
    out = frame.sort_values(["siret", "trimestre"], kind="stable").copy()
    out["masse_salariale"] = out["masse_salariale"].map(lambda v: f"{v:.2f}".replace(".", ","))
    write_atomically(path, lambda aside: out.to_csv(aside, sep=";", index=False, encoding="utf-8",
                                                    lineterminator="\n"))


def write_quarters(spec: RunSpec, seed: int = 2018) -> list[Path]:
    """trimestres.csv next to each millésime's etablissements.csv (which must already be written)."""
    import pandas as pd

    rng = np.random.default_rng(seed + 4)
    previous, written = None, []
    for millesime in spec.millesimes:
        folder = spec.raw_dir / str(millesime)
        annual = _annual(folder / "etablissements.csv")
        frame = quarters(annual, previous, millesime, rng)
        path = folder / "trimestres.csv"
        write(pd.concat([frame, traps(frame, millesime)], ignore_index=True), path)
        previous = annual.set_index("siret")["postes"]
        written.append(path)
    return written
