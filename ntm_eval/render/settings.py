"""``ntm-eval config``: the settings in force and where each comes from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ntm_eval.shown import printable

SCHEMA_VERSION = 1


def render_text(path: Path | None, chosen: dict[str, Any]) -> str:
    """One line per setting: name, value, source; the file first."""
    lines = [f"configuration file: {printable(str(path)) if path else '(none found)'}"]
    width = max(len(name) for name in chosen)
    values = {name: printable(str(s.value)) for name, s in chosen.items()}
    wide = max(len(v) for v in values.values())
    for name, s in chosen.items():
        lines.append(f"{name:<{width}}  {values[name]:<{wide}}  {printable(s.shown_source())}")
    return "\n".join(lines) + "\n"


def render_json(path: Path | None, chosen: dict[str, Any]) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "config_file": str(path) if path else None,
        "settings": {name: s.to_dict() for name, s in chosen.items()},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
