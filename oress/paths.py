"""The project's folders, without any other oress import (oress.config re-exports them; oress.classifications,
which oress.config reads the breakdowns through, takes REFERENCE_DIR from here)."""
from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_DIR / "sql"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
GEO_DIR = REFERENCE_DIR / "geo"
CACHE_DIR = REFERENCE_DIR / "cache"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
