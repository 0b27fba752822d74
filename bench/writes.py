"""Benchmark of the write path: ``createStatement`` throughput on a corpus, and what an
editor writing steadily costs the readers.

On a copy of the size's corpus (the corpus itself stays as loaded), it starts the API as
a user would (``python -m api`` under uvicorn, production settings) with an
``ADMIN_API_KEY`` of its own, makes an EDITOR key with ``createApiKey``, then:

1. for each concurrency, that many editors create QUOTE and PARAPHRASE statements as fast
   as they are answered, each citing a different passage of a corpus article;
2. drives a fixed mix of the scale benchmark's reads, alone and then while one editor
   writes at a fixed pace (``createStatement`` and ``updatePerson`` in turn), in rounds.

    python -m bench.writes                                  # size S, editors 1, 4 and 8
    python -m bench.writes --size XS --duration 2 --read-duration 3 --rounds 1
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.database import create_client
from api.embedded import free_port
from api.settings import Settings
from bench.corpus import MARKER, SIZES
from bench.operations import Operation, prepare
from bench.output import save
from bench.process import (
    ROOT,
    UNCACHED,
    database_uri,
    interrupt,
    log_tail,
    peak_rss_mb,
    start_server,
    stop_server,
    wait_ready,
)
from bench.scale_drive import Run, drive, fetch, get_request, graphql_request, settle
from model import paths
from model.citations import occurrences
from model.names import ARTICLES, PERSONS
from model.store import Database
from schema.common.ids import to_global_id

# Answered in interactive time on the embedded database at S; the other three operations
# of bench.scale are scans of seconds each there (bench/results/scale.md), too few in a
# short measurement to count.
READS = ["person page", "sanctions by authority", "node(id)"]
TARGET_DROP = 0.20  # reads per second may fall by this share at most while the editor writes
# The editor must keep near its pace, or the reads were measured beside fewer writes.
TARGET_PACE = 0.9

CREATE_KEY = """mutation Key($name: String!) {
  createApiKey(input: {name: $name, role: EDITOR}) { secret userErrors { code message } }
}"""
CREATE_STATEMENT = """mutation CreateStatement($input: CreateStatementInput!) {
  createStatement(input: $input) { statement { id revision } userErrors { field code } }
}"""
UPDATE_PERSON = """mutation UpdatePerson($input: UpdatePersonInput!) {
  updatePerson(input: $input) { person { revision } userErrors { field code } }
}"""
QUOTED = re.compile(r'^"(?P<words>[^"]+)," ')  # the corpus's quotes: '"Words," Name said.'


# ---------------------------------------------------------------------------------------
# What the editors write: passages of the corpus's articles, and persons to correct


@dataclass(frozen=True)
class Passage:
    article: str
    quote: str  # a paragraph that occurs once in its article
    words: str | None  # what it quotes someone saying, if it does


@dataclass(frozen=True)
class Person:
    slug: str
    revision: int
    evidence: dict[str, Any]  # one passage the person is cited for


@dataclass(frozen=True)
class Material:
    passages: list[Passage]  # QUOTE and PARAPHRASE material in turn
    persons: list[Person]


async def material(db: Database, articles: int = 100, persons: int = 500) -> Material:
    """Passages of ``articles`` articles spread over the corpus, and persons they cite."""
    slugs = [doc[paths.ID] async for doc in db[ARTICLES].find({}, {paths.ID: 1})]
    chosen = sorted(slugs)[:: max(len(slugs) // articles, 1)]
    bodies = {
        doc[paths.ID]: doc["body"]
        async for doc in db[ARTICLES].find({paths.ID: {"$in": chosen}}, {"body": 1})
    }
    quotes, paraphrases = [], []
    for slug in chosen:
        body = bodies[slug]
        for paragraph in body.split("\n\n")[1:]:  # the title first
            if len(occurrences(body, paragraph)) != 1:
                continue
            quoted = QUOTED.match(paragraph)
            if quoted:
                quotes.append(Passage(slug, paragraph, quoted["words"]))
            else:
                paraphrases.append(Passage(slug, paragraph, None))
    cited = db[PERSONS].find(
        {paths.CITED_ARTICLE: {"$in": chosen}}, {paths.REVISION: 1, paths.CITATIONS: 1}
    )
    found = []
    async for doc in cited.limit(persons):
        citation = next(c for c in doc[paths.CITATIONS] if c["article"] in bodies)
        starts = occurrences(bodies[citation["article"]], citation["quote"])
        if citation["start"] in starts:
            evidence = {"article": citation["article"], "quote": citation["quote"]}
            if len(starts) > 1:
                evidence["occurrence"] = starts.index(citation["start"]) + 1
            found.append(Person(doc[paths.ID], doc.get(paths.REVISION, 0), evidence))
    passages = [passage for pair in zip(quotes, paraphrases, strict=False) for passage in pair]
    return Material(passages, found)


def statements(port: int, secret: str, made: Material) -> Iterator[bytes]:
    """``createStatement`` requests, each citing the next passage, spoken by the next
    person: different slugs until the passages come round again."""
    headers = {"Authorization": f"Bearer {secret}"}
    for n in itertools.count():
        passage = made.passages[n % len(made.passages)]
        text = passage.words or f"{passage.quote.rstrip('.')} (editor's summary)"
        statement = {
            "text": text,
            "kind": "QUOTE" if passage.words else "PARAPHRASE",
            "speaker": made.persons[n % len(made.persons)].slug,
            "date": {"iso": str(2000 + n % 25)},
            "evidence": [{"article": passage.article, "quote": passage.quote}],
        }
        yield graphql_request(port, CREATE_STATEMENT, {"input": statement}, headers)


def person_updates(port: int, secret: str, made: Material) -> Iterator[bytes]:
    """``updatePerson`` requests, a new description and a passage cited again, each person
    in turn, at the revision the previous round left it (one editor: no conflict)."""
    headers = {"Authorization": f"Bearer {secret}"}
    for n in itertools.count():
        person = made.persons[n % len(made.persons)]
        change = {
            "id": to_global_id("Person", person.slug),
            "expectedRevision": person.revision + n // len(made.persons),
            "description": f"Corrected by the benchmark's editor, edit {n}.",
            "addEvidence": [person.evidence],
        }
        yield graphql_request(port, UPDATE_PERSON, {"input": change}, headers)


def write_failure(status: int, body: bytes) -> str | None:
    """Why a write counts as failed: no 200, GraphQL errors, or user errors (by code)."""
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    if answer.get("errors"):
        codes = {str(e.get("extensions", {}).get("code")) for e in answer["errors"]}
        return f"top-level error: {', '.join(sorted(codes))}"
    codes = {e["code"] for payload in answer["data"].values() for e in payload["userErrors"]}
    return f"user error: {', '.join(sorted(codes))}" if codes else None


# ---------------------------------------------------------------------------------------
# Measuring


Commands = dict[str, tuple[float, float]]  # command -> how many, and their seconds in all


async def commands(port: int) -> Commands:
    """Database commands the API has sent so far (failed ones apart) and the time they
    took as the API saw it (waiting for the database included), from its ``/metrics``."""
    _, body = await fetch(port, get_request(port, "/metrics"))
    found: dict[str, list[float]] = {}
    for line in body.decode().splitlines():
        kind = re.match(r"dossier_db_command_duration_seconds_(count|sum)\{(.*)\} (\S+)$", line)
        if kind:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', kind[2]))
            name = labels["command"] + ("" if labels["outcome"] == "ok" else " (failed)")
            found.setdefault(name, [0.0, 0.0])[kind[1] == "sum"] += float(kind[3])
    return {name: (count, seconds) for name, (count, seconds) in found.items()}


def per(sent: Commands, before: Commands, requests: int) -> dict[str, dict[str, float]]:
    """Commands sent since ``before``, how many and how many ms, per request."""
    shares = {}
    for name, (count, seconds) in sorted(sent.items()):
        count_before, seconds_before = before.get(name, (0.0, 0.0))
        if count > count_before and requests:
            shares[name] = {
                "count": round((count - count_before) / requests, 2),
                "ms": round((seconds - seconds_before) * 1000 / requests, 1),
            }
    return shares


def figures(run: Run) -> dict[str, Any]:
    summary = run.summary()
    return {
        "requests": summary["requests"],
        "per_s": summary["rps"],
        "p50_ms": summary["p50_ms"],
        "p99_ms": summary["p99_ms"],
        "user_errors": sum(n for kind, n in run.failures.items() if kind.startswith("user")),
        "top_level_errors": sum(n for kind, n in run.failures.items() if kind.startswith("top")),
        "other_errors": sum(
            n for kind, n in run.failures.items() if not kind.startswith(("user", "top"))
        ),
        "failures": dict(run.failures),
        "first_error": run.first_error,
    }


def pooled(runs: list[Run]) -> dict[str, Any]:
    """The runs of all rounds as one."""
    whole = Run(seconds=sum(run.seconds for run in runs))
    for run in runs:
        whole.latencies_ms += run.latencies_ms
        whole.errors += run.errors
        whole.failures.update(run.failures)
        whole.first_error = whole.first_error or run.first_error
    return figures(whole)


async def measure_writes(
    args: argparse.Namespace, port: int, made: Iterator[bytes], quiet: tuple[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for concurrency in args.concurrency:
        await settle(*quiet)
        await drive(port, made, concurrency, args.warmup, failure=write_failure)
        before = await commands(port)
        run = await drive(port, made, concurrency, args.duration, failure=write_failure)
        row = {"concurrency": concurrency, **figures(run)}
        row["commands_per_mutation"] = per(await commands(port), before, row["requests"])
        print(
            f"  writes c={concurrency}: {row['per_s']} mutations/s, p50 {row['p50_ms']} "
            f"p99 {row['p99_ms']} ms, {row['user_errors']} user / {row['top_level_errors']} "
            f"top-level / {row['other_errors']} other errors, "
            + ", ".join(
                f"{name} {c['count']:g} ({c['ms']:g} ms)"
                for name, c in row["commands_per_mutation"].items()
            )
            + (f"\n    first error: {run.first_error[:300]}" if run.first_error else "")
        )
        rows.append(row)
    return rows


async def measure_reads(
    args: argparse.Namespace,
    port: int,
    reads: list[bytes],
    edits: Iterator[bytes],
    quiet: tuple[str, str],
) -> dict[str, Any]:
    """Rounds of the read mix alone and then beside the paced editor, and the database
    commands' mean time in each (the API's view: waiting for the database included)."""
    runs: dict[str, list[Run]] = {"alone": [], "writing": [], "editor": []}
    spent: dict[str, dict[str, list[float]]] = {"alone": {}, "writing": {}}
    c, seconds = args.read_concurrency, args.read_duration

    def editor(duration: float) -> Awaitable[Run]:
        connections, rate = args.editor_connections, args.editor_rate
        return drive(port, edits, connections, duration, rate=rate, failure=write_failure)

    for number in range(1, args.rounds + 1):
        for phase in ("alone", "writing"):
            await settle(*quiet)
            if phase == "alone":
                await drive(port, reads, c, args.warmup)
            else:
                await asyncio.gather(drive(port, reads, c, args.warmup), editor(args.warmup))
            before = await commands(port)
            if phase == "alone":
                runs["alone"].append(await drive(port, reads, c, seconds))
            else:
                read, wrote = await asyncio.gather(drive(port, reads, c, seconds), editor(seconds))
                runs["writing"].append(read)
                runs["editor"].append(wrote)
            for name, (count, total) in (await commands(port)).items():
                counted, took = before.get(name, (0.0, 0.0))
                sums = spent[phase].setdefault(name, [0.0, 0.0])
                sums[0] += count - counted
                sums[1] += total - took
        print(
            f"  reads round {number}: "
            + "; ".join(
                f"{phase} {figures(runs[phase][-1])['per_s']}/s "
                f"p99 {figures(runs[phase][-1])['p99_ms']} ms"
                for phase in runs
            )
        )
    result: dict[str, Any] = {
        "rounds": [
            dict(zip(runs, map(figures, round_runs), strict=True))
            for round_runs in zip(*runs.values(), strict=True)
        ],
        **{phase: pooled(phase_runs) for phase, phase_runs in runs.items()},
        "command_mean_ms": {
            phase: {
                name: round(total * 1000 / count, 1)
                for name, (count, total) in sorted(sums.items())
                if count
            }
            for phase, sums in spent.items()
        },
    }
    before, after = result["alone"]["per_s"], result["writing"]["per_s"]
    result["change"] = round(after / before - 1, 3) if before else None
    return result


def read_mix(port: int, ops: list[Operation]) -> list[bytes]:
    """The operations' requests in turn, one of each operation after another."""
    longest = max(len(op.variables) for op in ops)
    return [
        graphql_request(port, op.query, op.variables[i % len(op.variables)])
        for i in range(longest)
        for op in ops
    ]


async def measure(
    args: argparse.Namespace, report: dict[str, Any], ops: list[Operation], uri: str, tmp: Path
) -> dict[str, Any]:
    database = report["database"]
    admin = "bench-admin-" + secrets.token_hex(24)
    client = create_client(uri, Settings(mongodb_uri=uri, database_timeout_ms=300_000))
    try:
        db = client[database]
        if os.environ.get("MONGODB_URI"):  # written into: the next benchmark reloads it
            await db[MARKER].delete_one({paths.ID: "corpus"})
        made = await material(db)
    finally:
        await client.close()
    port = free_port()
    log_path = tmp / "api.log"
    environment = {
        "MONGODB_URI": uri,
        "MONGODB_DATABASE": database,
        **UNCACHED,
        "ADMIN_API_KEY": admin,
    }
    with log_path.open("wb") as log:
        server = start_server(port, tmp, log, environment=environment)
        try:
            await wait_ready(port, server, timeout_s=120, name="python -m api")
            name = "bench-editor-" + secrets.token_hex(4)
            request = graphql_request(
                port, CREATE_KEY, {"name": name}, {"Authorization": f"Bearer {admin}"}
            )
            status, body = await fetch(port, request)
            if write_failure(status, body):
                raise RuntimeError(f"no EDITOR key: {status} {body[:300]!r}")
            secret = json.loads(body)["data"]["createApiKey"]["secret"]
            created = statements(port, secret, made)
            edits = itertools.chain.from_iterable(
                zip(created, person_updates(port, secret, made), strict=False)
            )
            quiet = (uri, database)
            print(f"[{args.size}] {len(made.passages)} passages, {len(made.persons)} persons")
            report["writes"] = await measure_writes(args, port, created, quiet)
            report["reads"] = await measure_reads(args, port, read_mix(port, ops), edits, quiet)
            report["peak_rss_mb"] = peak_rss_mb(server.pid)
        except Exception:
            print(log_tail(log_path), file=sys.stderr)
            raise
        finally:
            stop_server(server, {})
    text = log_path.read_text(errors="replace")
    report["server_log"] = {
        "tracebacks": text.count("Traceback"),
        "without_transactions": "has no transactions" in text,
    }
    return report


# ---------------------------------------------------------------------------------------
# Report


def targets(report: dict[str, Any], editor_rate: float) -> list[dict[str, Any]]:
    reads = report["reads"]
    change = reads["change"]
    paced = reads["editor"]["per_s"]
    errors = sum(
        part["user_errors"] + part["top_level_errors"] + part["other_errors"]
        for part in [*report["writes"], reads["alone"], reads["writing"], reads["editor"]]
    )
    return [
        {
            "target": f"reads/s while the editor writes ≥ {1 - TARGET_DROP:g} x alone",
            "value": f"{change:+.1%}" if change is not None else None,
            "passed": change is not None and change >= -TARGET_DROP,
        },
        {
            "target": f"the editor wrote ≥ {TARGET_PACE:g} x {editor_rate:g} facts/s beside them",
            "value": paced,
            "passed": paced >= TARGET_PACE * editor_rate,
        },
        {"target": "errors = 0 (writes, reads, editor)", "value": errors, "passed": errors == 0},
    ]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def markdown(data: dict[str, Any]) -> str:
    report, reads = data["report"], data["report"]["reads"]
    documents = sum(report["documents"].values())
    lines = [
        f"`{data['command']}` at {data['commit']}: {data['machine']['cpus']} CPUs, Python "
        f"{data['machine']['python']}; {data['database']}; corpus {report['size']}: "
        f"{documents:,} documents. Each measurement {data['duration_s']} s (writes) or "
        f"{data['read_duration_s']} s (reads) after {data['warmup_s']} s of warm-up.",
        "",
        "### createStatement",
        "",
        "Each editor (one keep-alive connection) sends the next statement as soon as the last "
        "is answered: QUOTE and PARAPHRASE in turn, each citing a different passage.",
        "",
        "| editors | mutations/s | p50 ms | p99 ms | user errors | top-level errors "
        "| other errors | database commands per mutation (ms each mutation waited for them) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["writes"]:
        sent = row["commands_per_mutation"]
        lines.append(
            f"| {row['concurrency']} | {row['per_s']} | {_ms(row['p50_ms'])} "
            f"| {_ms(row['p99_ms'])} | {row['user_errors']} | {row['top_level_errors']} "
            f"| {row['other_errors']} | {sum(c['count'] for c in sent.values()):g}: "
            + ", ".join(f"{name} {c['count']:g} ({c['ms']:g})" for name, c in sent.items())
            + " |"
        )
    ops = ", ".join(report["parameters"])
    lines += [
        "",
        f"### Reads while an editor writes {data['editor_rate']:g} facts/s",
        "",
        f"The read mix ({ops}, one request of each in turn) at concurrency "
        f"{data['read_concurrency']}: alone, then beside one editor (one key) who sends "
        "createStatement and updatePerson in turn on a fixed schedule, over up to "
        f"{data['editor_connections']} connections so that a slow answer does not delay "
        f"the next write; {data['rounds']} round(s).",
        "",
        "| round | reads/s alone | p99 ms alone | reads/s writing | p99 ms writing | change "
        "| editor writes/s | editor p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [(str(n), r) for n, r in enumerate(reads["rounds"], 1)]
    for label, part in [*rows, ("all", reads)]:
        alone, writing, editor = part["alone"], part["writing"], part["editor"]
        change = writing["per_s"] / alone["per_s"] - 1 if alone["per_s"] else None
        lines.append(
            f"| {label} | {alone['per_s']} | {_ms(alone['p99_ms'])} | {writing['per_s']} "
            f"| {_ms(writing['p99_ms'])} | {'-' if change is None else f'{change:+.1%}'} "
            f"| {editor['per_s']} | {_ms(editor['p50_ms'])} / {_ms(editor['p99_ms'])} |"
        )
    means = reads["command_mean_ms"]
    lines += [
        "",
        "Mean time of a database command as the API saw it, alone / while writing (ms): "
        + ", ".join(
            f"{name} {means['alone'].get(name, '-')} / {ms}"
            for name, ms in means["writing"].items()
        )
        + ".",
    ]
    log = report["server_log"]
    lines += [
        "",
        f"API peak RSS {report['peak_rss_mb']} MB; the server's log holds {log['tracebacks']} "
        "tracebacks"
        + ("; **it wrote without transactions**." if log["without_transactions"] else "."),
        "",
        "### Targets",
        "",
        "| target | value | met |",
        "| --- | ---: | :---: |",
    ]
    for check in data["targets"]:
        lines.append(
            f"| {check['target']} | {check['value']} | {'yes' if check['passed'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def commit_of() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or "an unknown commit"


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.writes", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8], help="editors")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per write run")
    parser.add_argument("--read-concurrency", type=int, default=8)
    parser.add_argument("--read-duration", type=float, default=15.0, help="seconds per read run")
    parser.add_argument("--rounds", type=int, default=2, help="reads alone, then writing")
    parser.add_argument("--editor-rate", type=float, default=5.0, help="writes/s beside reads")
    parser.add_argument(
        "--editor-connections",
        type=int,
        default=4,
        help="the paced editor's connections: a write sent on time while others are answered",
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each run")
    parser.add_argument(
        "--operation", action="append", help=f"reads whose name starts so (default: {READS})"
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "bench")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = arguments(argv)
    data: dict[str, Any] = {
        "command": " ".join(["python -m bench.writes", *argv]),
        "commit": commit_of(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "read_concurrency": args.read_concurrency,
        "read_duration_s": args.read_duration,
        "rounds": args.rounds,
        "editor_rate": args.editor_rate,
        "editor_connections": args.editor_connections,
        "warmup_s": args.warmup,
    }
    with tempfile.TemporaryDirectory(prefix="dossier-writes-") as tmp:
        try:
            with database_uri(args.data_dir, args.size) as (uri, described):
                report, ops = asyncio.run(
                    prepare(args.size, args.seed, uri, args.operation or READS)
                )
            copy = Path(tmp) / "db"
            with database_uri(args.data_dir, args.size, copy_to=copy) as (uri, described):
                data["database"] = described + (" (a copy of the corpus)" if copy.exists() else "")
                data["report"] = asyncio.run(measure(args, report, ops, uri, Path(tmp)))
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    data["targets"] = targets(data["report"], args.editor_rate)
    text = markdown(data)
    save(data, text, args.json, args.markdown)
    print(text, end="")
    return 0 if all(check["passed"] for check in data["targets"]) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, interrupt)
    sys.exit(main(sys.argv[1:]))
