"""Answers to repeated reads, kept while the record's revision has not moved.

Keyed by document, operation name, variables and caller (``CacheKey``); each entry holds
the answer's ``data`` as encoded JSON and the revision it was computed at, and is served
only while that is still the current revision (``api.revision_watch``). Bounded by the
bytes its entries hold, least recently used out first; a change of revision empties it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, Counter, Gauge

# What an entry holds beyond its strings' and bytes' contents: the key object, the entry's
# tuple, the objects' headers and the ordered dict's slot and link (tests/api/test_caching.py
# checks the sum against what Python allocates).
ENTRY_OVERHEAD_BYTES = 400


def compact(data: bytes) -> bytes:
    """orjson's output keeps the buffer it was written in (4 KB at least): a copy holds
    just its bytes, which is what the cache's bound counts."""
    return bytes(memoryview(data))


@dataclass(frozen=True, slots=True)
class CacheKey:
    """One question from one caller: the same key has the same answer at one revision.
    The caller's name is in it, as ``viewer`` answers each key holder differently."""

    document: str
    operation_name: str | None
    variables: bytes  # canonical JSON: sorted keys
    caller: str | None
    role: str

    @classmethod
    def of(
        cls,
        document: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        caller: str | None,
        role: str,
    ) -> CacheKey:
        encoded = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        return cls(document, operation_name, compact(encoded), caller, role)

    def etag(self, revision: int, schema_fingerprint: str) -> str:
        """Weak: equal answers, not necessarily equal bytes."""
        digest = hashlib.sha256()
        for part in (
            schema_fingerprint,
            str(revision),
            self.role,
            self.caller or "",
            self.operation_name or "",
            self.document,
        ):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(self.variables)
        return f'W/"{digest.hexdigest()[:32]}"'

    @property
    def size(self) -> int:
        return (
            len(self.document.encode())
            + len(self.variables)
            + len((self.operation_name or "").encode())
            + len((self.caller or "").encode())
        )


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0
    cleared: int = 0

    @property
    def hit_ratio(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0


class CacheMetrics:
    """The cache's figures on ``/metrics``, kept as they change: in Prometheus
    multiprocess mode only such metrics add up over the workers."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.hits = Counter(
            "dossier_response_cache_hits",
            "Answers served from the response cache.",
            registry=registry,
        )
        self.misses = Counter(
            "dossier_response_cache_misses",
            "Cacheable questions the cache could not answer.",
            registry=registry,
        )
        self.evictions = Counter(
            "dossier_response_cache_evictions",
            "Entries dropped to stay within its bytes.",
            registry=registry,
        )
        self.bytes = Gauge(
            "dossier_response_cache_bytes",
            "What the response cache's entries hold (RESPONSE_CACHE_MAX_BYTES bounds it).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.entries = Gauge(
            "dossier_response_cache_entries",
            "Entries in the response cache.",
            registry=registry,
            multiprocess_mode="livesum",
        )


class ResponseCache:
    def __init__(self, max_bytes: int, metrics: CacheMetrics | None = None) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self.stats = CacheStats()
        self.metrics = metrics

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        """What its entries hold (``max_bytes`` bounds it)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey, revision: int, *, count_miss: bool = True) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != revision:
            self.stats.misses += count_miss
            if self.metrics and count_miss:
                self.metrics.misses.inc()
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        if self.metrics:
            self.metrics.hits.inc()
        return entry[1]

    def put(self, key: CacheKey, revision: int, data: bytes) -> None:
        size = _size(key, data)
        if size > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= _size(key, old[1])
        self._entries[key] = (revision, compact(data))
        self._bytes += size
        self.stats.stored += 1
        while self._bytes > self.max_bytes:
            old_key, (_, old_data) = self._entries.popitem(last=False)
            self._bytes -= _size(old_key, old_data)
            self.stats.evicted += 1
            if self.metrics:
                self.metrics.evictions.inc()
        self._measured()

    def clear(self) -> None:
        if self._entries:
            self.stats.cleared += 1
        self._entries.clear()
        self._bytes = 0
        self._measured()

    def _measured(self) -> None:
        if self.metrics:
            self.metrics.bytes.set(self._bytes)
            self.metrics.entries.set(len(self._entries))


def _size(key: CacheKey, data: bytes) -> int:
    return key.size + len(data) + ENTRY_OVERHEAD_BYTES
