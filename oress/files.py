"""Output files are written aside then renamed, so a reader never sees half a file."""
from __future__ import annotations

import json
from pathlib import Path


def write_atomically(path: Path, write) -> None:
    """Call write(temporary_path), then rename the result over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.tmp")
    try:
        write(aside)
        aside.replace(path)
    finally:
        aside.unlink(missing_ok=True)


def write_json(path: Path, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, lambda aside: aside.write_text(text, encoding="utf-8"))
