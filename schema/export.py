"""``python -m schema.export``: print the served schema in SDL (the schema.graphql snapshot)."""

from __future__ import annotations

from schema.schema import build_schema


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
