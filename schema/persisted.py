"""Persisted queries: a client sends a document's SHA-256 instead of the document.

Automatic persisted queries follow Apollo's protocol: ``extensions.persistedQuery`` is
``{"version": 1, "sha256Hash": "<hex>"}``. A hash the server does not know, sent
without its document, is answered ``PERSISTED_QUERY_NOT_FOUND``, on which Apollo's
clients send it again with the document, which the server then keeps (in a store
bounded by bytes, least recently used out first; each process has its own).

Trusted documents (``TRUSTED_DOCUMENTS``, a manifest the client's build writes) make the
server run only the documents the manifest lists, by hash or by text: nothing else, and
no document is learned from requests.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from schema.common.errors import (
    DOCUMENT_NOT_TRUSTED,
    PERSISTED_QUERY_HASH_MISMATCH,
    PERSISTED_QUERY_NOT_FOUND,
    PERSISTED_QUERY_NOT_SUPPORTED,
    CodedError,
)

APQ_VERSION = 1
APOLLO_MANIFEST = "apollo-persisted-query-manifest"


class PersistedQueryNotFound(CodedError):
    code = PERSISTED_QUERY_NOT_FOUND


class PersistedQueryNotSupported(CodedError):
    code = PERSISTED_QUERY_NOT_SUPPORTED


class HashMismatch(CodedError):
    code = PERSISTED_QUERY_HASH_MISMATCH


class NotTrusted(CodedError):
    code = DOCUMENT_NOT_TRUSTED


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class PersistedQueries:
    """Resolves a request's document: ``trusted`` (hash to document) set, only those run;
    else any document does, and documents sent with their hash are kept in at most
    ``max_bytes`` (0: none kept, so every hash alone is not found)."""

    def __init__(self, max_bytes: int, trusted: Mapping[str, str] | None = None) -> None:
        self.max_bytes = max_bytes
        self.trusted = dict(trusted) if trusted is not None else None
        self._store: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0

    @property
    def stored_bytes(self) -> int:
        return self._bytes

    def resolve(self, query: str | None, extensions: Mapping[str, object] | None) -> str | None:
        """The document to run (None: the request has none, which the caller reports);
        raises a ``CodedError`` when the request may not run."""
        persisted = extensions.get("persistedQuery") if extensions else None
        if persisted is None:
            if query is not None and self.trusted is not None:
                self._trust(document_hash(query))
            return query
        wanted = _hash_of(persisted)
        if query is None:
            return self._known(wanted)
        if document_hash(query) != wanted:
            raise HashMismatch("The persisted query's sha256Hash is not the SHA-256 of its query.")
        if self.trusted is not None:
            self._trust(wanted)
        else:
            self._keep(wanted, query)
        return query

    def _trust(self, digest: str) -> None:
        if self.trusted is not None and digest not in self.trusted:
            raise NotTrusted("This server runs only trusted documents; this one is not among them.")

    def _known(self, wanted: str) -> str:
        if self.trusted is not None:
            found = self.trusted.get(wanted)
            if found is None:
                raise NotTrusted("No trusted document has this sha256Hash.")
            return found
        document = self._store.get(wanted)
        if document is None:
            raise PersistedQueryNotFound("PersistedQueryNotFound")  # the text clients match
        self._store.move_to_end(wanted)
        return document

    def _keep(self, digest: str, document: str) -> None:
        if digest in self._store:
            self._store.move_to_end(digest)
            return
        size = _size(digest, document)
        if size > self.max_bytes:
            return
        self._store[digest] = document
        self._bytes += size
        while self._bytes > self.max_bytes:
            old_digest, old_document = self._store.popitem(last=False)
            self._bytes -= _size(old_digest, old_document)


def _size(digest: str, document: str) -> int:
    """What an entry holds: its two strings' UTF-8 bytes (CPython's own overhead aside)."""
    return len(digest) + len(document.encode())


def _hash_of(persisted: object) -> str:
    if (
        not isinstance(persisted, Mapping)
        or persisted.get("version") != APQ_VERSION
        or not isinstance(persisted.get("sha256Hash"), str)
    ):
        raise PersistedQueryNotSupported(
            'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hex SHA-256>"}.'
        )
    digest: str = persisted["sha256Hash"]
    return digest.lower()


def load_manifest(path: Path) -> dict[str, str]:
    """Hash to document, from Apollo's persisted query manifest
    (``{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}``)
    or a plain JSON object of hash to document (GraphQL Code Generator's
    ``persisted-documents.json``); every hash must be its document's SHA-256."""
    loaded = json.loads(path.read_text(encoding="utf-8"))
    pairs: list[tuple[object, object]]
    if isinstance(loaded, dict) and loaded.get("format") == APOLLO_MANIFEST:
        operations = loaded.get("operations")
        if not isinstance(operations, list):
            raise ValueError(f"{path}: an Apollo manifest needs a list of operations")
        pairs = [
            (op.get("id"), op.get("body")) if isinstance(op, dict) else (None, None)
            for op in operations
        ]
    elif isinstance(loaded, dict):
        pairs = list(loaded.items())
    else:
        raise ValueError(f"{path}: not a JSON object")
    documents: dict[str, str] = {}
    for digest, document in pairs:
        if not isinstance(digest, str) or not isinstance(document, str):
            raise ValueError(f"{path}: every entry needs a hash and a document, as text")
        if document_hash(document) != digest.lower():
            raise ValueError(f"{path}: {digest} is not the SHA-256 of its document")
        documents[digest.lower()] = document
    return documents
