"""Where every benchmark writes its figures: the JSON for machines, the Markdown for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def save(data: Any, text: str, json_path: Path | None, markdown_path: Path | None) -> None:
    """Each file written only when asked for (``--json``, ``--markdown``)."""
    if json_path:
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if markdown_path:
        markdown_path.write_text(text)
