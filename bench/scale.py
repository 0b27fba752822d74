"""Benchmark at scale: the API against a hand-written floor, on a synthetic corpus.

For each size it loads the corpus (once: a database that holds it already is reused),
starts the API as a user would (``python -m api`` under uvicorn, production settings) and
the floor (``python -m bench.floor``: the same reads written by hand with the driver, no
GraphQL) on the same database, checks that both answer every request identically, then
drives each operation of a fixed mix at several concurrencies for a bounded time from this
process, over loopback, with one keep-alive connection per worker.

    python -m bench.scale                     # sizes S and L, concurrency 1, 8 and 32
    python -m bench.scale --size S --duration 3 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.corpus import SIZES
from bench.process import ROOT, database_uri, interrupt
from bench.scale_drive import measure_size
from bench.scale_report import write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument(
        "--size",
        action="append",
        choices=sorted(SIZES),
        help="S by default; S and L with MONGODB_URI (L is not run on the embedded database)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--operation",
        action="append",
        help="only the operations whose name starts so (repeatable; all by default)",
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    args = parser.parse_args(argv)
    external = bool(os.environ.get("MONGODB_URI"))
    sizes: list[str] = args.size or (["S", "L"] if external else ["S"])
    if "L" in sizes and not external:
        parser.error(
            "size L is run against MONGODB_URI only: the embedded database does not serve it "
            "(bench/README.md)"
        )
    data: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "concurrency": args.concurrency,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="dossier-scale-") as tmp:
        try:
            for size in sizes:
                with database_uri(args.data_dir, size) as (uri, described):
                    data["database"] = described
                    data["sizes"][size] = asyncio.run(measure_size(args, size, uri, Path(tmp)))
                text = write_report(args, data)  # after each size: a later one may fail
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    print(text, end="")
    return 0 if all(check["passed"] for check in data["targets"]) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    sys.exit(main())
