"""The strict run spec (pipelines/*.toml), and the project paths (oress.paths, re-exported)."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from oress import classifications
from oress.paths import CACHE_DIR as CACHE_DIR
from oress.paths import GEO_DIR as GEO_DIR
from oress.paths import PROJECT_DIR as PROJECT_DIR
from oress.paths import REFERENCE_DIR
from oress.paths import SQL_DIR as SQL_DIR
from oress.paths import TEMPLATES_DIR as TEMPLATES_DIR

TERRITORY_CODE = re.compile(r"[a-z0-9-]+")
COMMUNE_CODE = re.compile(r"(\d{5}|2[AB]\d{3})")
EPCI_CODE = re.compile(r"\d{9}")
DEPARTEMENT_CODE = re.compile(r"(\d{2}|2[AB]|97\d)")
REGION_CODE = re.compile(r"\d{2}")
STANDARD_LEVELS = ("france", "region", "departement", "epci", "commune")
CUSTOM_LEVELS = "territoires"   # stands for every custom `niveau` of the spec in [publication]
# Modelled on ESS France's INSEE orders: fine geography × one breakdown (champ), sectors, size and job
# profiles from EPCI and custom territories up, typologie B at région level.
DEFAULT_LEVELS = ("epci", CUSTOM_LEVELS, "departement", "region", "france")
REGIONAL_BREAKDOWNS = {"secteur_b": ("region", "france")}


def default_publication() -> dict[str, tuple[str, ...]]:
    """The breakdowns a spec may publish, every dimension of data/reference/dimensions.csv in its order → levels."""
    return {b: REGIONAL_BREAKDOWNS.get(b, DEFAULT_LEVELS) for b in classifications.versioned().breakdowns}


class SpecError(ValueError):
    """A run spec that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Territory:
    code: str
    libelle: str
    niveau: str
    communes: tuple[str, ...] = ()
    epci: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    sauf_communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecretRules:
    frequence_min: int = 3
    dominance_seuil: float = 0.85
    dominance_inclusive: bool = True
    # protection interval an attacker must not narrow: ± max(relative × value, absolute minimum)
    intervalle_protection: float = 0.10
    minimum_effectifs: float = 1.0          # établissements and postes
    minimum_etp: float = 1.0
    minimum_remuneration: float = 1000.0    # euros
    regle_singletons: bool = True           # two one-unit cells may not protect each other alone
    # the headline cells (dimension `ensemble`: each champ's totals) cost this many times their value
    # to suppress, so the MILP hides a breakdown's detail before a territory's ESS total
    poids_totaux: float = 10.0


@dataclass(frozen=True)
class Publication:
    """Which breakdowns are published at which levels (dimension `ensemble` is published everywhere)."""
    levels_by_breakdown: tuple[tuple[str, tuple[str, ...]], ...] = field(
        default_factory=lambda: tuple(default_publication().items()))

    def pairs(self, custom_levels: tuple[str, ...]) -> list[tuple[str, str]]:
        """(dimension, niveau) pairs, custom levels expanded, `ensemble` at every level."""
        every_level = STANDARD_LEVELS + custom_levels
        pairs = [("ensemble", level) for level in every_level]
        for breakdown, levels in self.levels_by_breakdown:
            for level in levels:
                pairs += [(breakdown, lv) for lv in (custom_levels if level == CUSTOM_LEVELS else (level,))]
        return sorted(set(pairs))


@dataclass(frozen=True)
class RunSpec:
    path: Path
    raw_dir: Path
    warehouse: Path
    reports_dir: Path
    millesimes: tuple[int, ...]
    region: str
    territoires: tuple[Territory, ...]
    secret: SecretRules = field(default_factory=SecretRules)
    observatoire: str = "Observatoire régional de l'ESS"
    perimetre: str = "e12b"
    date_edition: dt.date | None = None
    publication: Publication = field(default_factory=Publication)
    livraison_insee: Path | None = None   # folder of INSEE's delivered tables, one sub-folder per millésime
    panoramas: tuple[str, ...] | None = None   # niveaux `oress report` renders; None = every custom niveau

    @property
    def custom_levels(self) -> tuple[str, ...]:
        return tuple(sorted({t.niveau for t in self.territoires}))

    @property
    def panorama_levels(self) -> tuple[str, ...]:
        return self.custom_levels if self.panoramas is None else self.panoramas

    def reports_for(self, millesime: int) -> Path:
        return self.reports_dir / str(millesime)


def check_keys(where: str, table: dict, allowed: set[str], required: set[str] = frozenset(),
               error: type[ValueError] = SpecError) -> None:
    """Refuse a key not allowed or a required key missing, naming `where` and the key (a spec, a flavour of input
    files, a contract: each with its own error class)."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise error(f"{where}: clé inconnue {unknown[0]!r} (clés admises : {', '.join(sorted(allowed))})")
    missing = sorted(required - set(table))
    if missing:
        raise error(f"{where}: clé obligatoire absente {missing[0]!r}")


def _codes(where: str, key: str, values, pattern: re.Pattern) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise SpecError(f"{where}: {key!r} doit être une liste de codes")
    for value in values:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise SpecError(f"{where}: code mal formé {value!r} dans {key!r} (attendu : {pattern.pattern})")
    return tuple(values)


def _territory(where: str, table: dict) -> Territory:
    names = {f.name for f in fields(Territory)}
    check_keys(where, table, names, {"code", "libelle", "niveau"})
    code = table["code"]
    if not isinstance(code, str) or not TERRITORY_CODE.fullmatch(code):
        raise SpecError(f"{where}: code de territoire mal formé {code!r} (minuscules, chiffres et '-' seulement)")
    niveau = table["niveau"]
    if not isinstance(niveau, str) or not TERRITORY_CODE.fullmatch(niveau) or niveau in STANDARD_LEVELS:
        raise SpecError(f"{where}: niveau {niveau!r} invalide (un niveau personnalisé, distinct de {STANDARD_LEVELS})")
    parts = {
        "communes": _codes(where, "communes", table.get("communes", []), COMMUNE_CODE),
        "epci": _codes(where, "epci", table.get("epci", []), EPCI_CODE),
        "departements": _codes(where, "departements", table.get("departements", []), DEPARTEMENT_CODE),
    }
    if not any(parts.values()):
        raise SpecError(f"{where}: au moins une des clés communes, epci, departements est requise")
    sauf = _codes(where, "sauf_communes", table.get("sauf_communes", []), COMMUNE_CODE)
    return Territory(code=code, libelle=str(table["libelle"]), niveau=niveau, sauf_communes=sauf, **parts)


def _secret(where: str, table: dict) -> SecretRules:
    check_keys(where, table, {f.name for f in fields(SecretRules)}, set())
    rules = SecretRules(**table)
    minima = (rules.minimum_effectifs, rules.minimum_etp, rules.minimum_remuneration)
    if (rules.frequence_min < 1 or not 0 < rules.dominance_seuil <= 1
            or not 0 <= rules.intervalle_protection < 1 or min(minima) < 0 or rules.poids_totaux < 1):
        raise SpecError(f"{where}: seuils de secret hors bornes ({rules})")
    return rules


def _publication(where: str, table: dict, custom_levels: set[str]) -> Publication:
    defaults = default_publication()
    check_keys(where, table, set(defaults), set())
    allowed = set(STANDARD_LEVELS) | custom_levels | {CUSTOM_LEVELS}
    for breakdown, levels in table.items():
        if not isinstance(levels, list) or not all(isinstance(lv, str) and lv in allowed for lv in levels):
            raise SpecError(f"{where}: {breakdown!r} doit être une liste de niveaux parmi {', '.join(sorted(allowed))}")
    merged = {**defaults, **{k: tuple(v) for k, v in table.items()}}
    return Publication(tuple((b, merged[b]) for b in defaults))


def load_spec(path: str | Path) -> RunSpec:
    """Read a run spec; any unknown key, missing file or malformed code raises SpecError."""
    path = Path(path).resolve()
    if not path.is_file():
        raise SpecError(f"{path}: fichier de spécification introuvable")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{path}: TOML illisible ({error})") from error
    required = {"raw_dir", "warehouse", "reports_dir", "millesimes", "region"}
    optional = {"territoires", "secret", "observatoire", "perimetre", "date_edition", "publication",
                "livraison_insee", "panoramas"}
    check_keys(str(path), data, required | optional, required)
    if not REGION_CODE.fullmatch(str(data["region"])):
        raise SpecError(f"{path}: code région mal formé {data['region']!r}")
    millesimes = data["millesimes"]
    if not millesimes or not all(isinstance(m, int) and 1990 < m < 2100 for m in millesimes):
        raise SpecError(f"{path}: 'millesimes' doit être une liste d'années, p. ex. [2017, 2018]")
    territories = tuple(
        _territory(f"{path} [[territoires]] n°{i + 1}", t) for i, t in enumerate(data.get("territoires", []))
    )
    seen = [t.code for t in territories]
    duplicated = sorted({c for c in seen if seen.count(c) > 1})
    if duplicated:
        raise SpecError(f"{path}: territoire défini deux fois {duplicated[0]!r}")
    base = path.parent
    raw_dir = (base / data["raw_dir"]).resolve()
    perimetre = str(data.get("perimetre", "e12b"))
    if not (REFERENCE_DIR / f"perimetre_{perimetre}.csv").is_file():
        raise SpecError(f"{path}: périmètre {perimetre!r} inconnu (aucun data/reference/perimetre_{perimetre}.csv)")
    return RunSpec(
        path=path,
        raw_dir=raw_dir,
        warehouse=(base / data["warehouse"]).resolve(),
        reports_dir=(base / data["reports_dir"]).resolve(),
        millesimes=tuple(sorted(millesimes)),
        region=str(data["region"]),
        territoires=territories,
        secret=_secret(f"{path} [secret]", data.get("secret", {})),
        observatoire=str(data.get("observatoire", RunSpec.observatoire)),
        perimetre=perimetre,
        date_edition=_date(path, data.get("date_edition")),
        publication=_publication(f"{path} [publication]", data.get("publication", {}),
                                 {t.niveau for t in territories}),
        livraison_insee=_folder(path, data.get("livraison_insee")),
        panoramas=_panoramas(path, data.get("panoramas"), {t.niveau for t in territories}),
    )


def _folder(path: Path, value) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise SpecError(f"{path}: 'livraison_insee' doit être un chemin de dossier, p. ex. \"../data/raw/insee\"")
    return (path.parent / value).resolve()


def _panoramas(path: Path, value, custom_levels: set[str]) -> tuple[str, ...] | None:
    allowed = custom_levels | {"epci", "departement"}
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(lv, str) and lv in allowed for lv in value):
        raise SpecError(f"{path}: 'panoramas' doit être une liste de niveaux parmi {', '.join(sorted(allowed))}")
    return tuple(dict.fromkeys(value))


def _date(path: Path, value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise SpecError(f"{path}: 'date_edition' doit être une date TOML, p. ex. 2026-11-22")


def edition_date(spec: RunSpec) -> dt.date:
    """The spec's date_edition, else today: PDFs are byte-identical for the same data and date."""
    return spec.date_edition or dt.date.today()
