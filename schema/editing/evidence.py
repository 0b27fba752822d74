"""Citations: each passage an editor quotes, found in its article and stored with the
exact offsets, so a reader can always check a fact against its sentence."""

from __future__ import annotations

from collections.abc import Sequence

from model.citations import occurrences
from model.documents import CitationDoc
from schema.common.mutations import UserErrorCode
from schema.editing.draft import Draft
from schema.editing.inputs import EvidenceInput

MAX_EVIDENCE = 20
MAX_QUOTE = 5_000


async def cite(
    draft: Draft, evidence: Sequence[EvidenceInput] | None, path: str, *, required: bool
) -> list[CitationDoc]:
    """The citations of ``evidence``; an error at the item at fault for each that is not
    found, or found more than once without an ``occurrence``."""
    if not evidence:
        if required:
            draft.fail(path, "Cite at least one passage that states the fact.")
        return []
    if len(evidence) > MAX_EVIDENCE:
        draft.fail(path, f"At most {MAX_EVIDENCE} passages at once, got {len(evidence)}.")
        return []
    cited: list[CitationDoc] = []
    for index, item in enumerate(evidence):
        citation = await _locate(draft, item, f"{path}.{index}")
        if citation is not None and citation not in cited:
            cited.append(citation)
    return cited


async def _locate(draft: Draft, item: EvidenceInput, path: str) -> CitationDoc | None:
    if not item.quote.strip():
        draft.fail(f"{path}.quote", "The quote may not be empty.")
        return None
    if len(item.quote) > MAX_QUOTE:
        draft.fail(f"{path}.quote", f"At most {MAX_QUOTE} characters, got {len(item.quote)}.")
        return None
    body = await draft.body(item.article)
    if body is None:
        draft.fail(
            f"{path}.article",
            f"There is no article {item.article[:100]!r}.",
            UserErrorCode.NOT_FOUND,
        )
        return None
    starts = occurrences(body, item.quote)
    if not starts:
        draft.fail(
            f"{path}.quote",
            f"The quote does not occur in {item.article!r}.",
            UserErrorCode.EVIDENCE_NOT_FOUND,
        )
        return None
    if item.occurrence is None and len(starts) > 1:
        draft.fail(
            f"{path}.quote",
            f"The quote occurs {len(starts)} times in {item.article!r}: give its occurrence.",
            UserErrorCode.EVIDENCE_AMBIGUOUS,
        )
        return None
    index = (item.occurrence or 1) - 1
    if not 0 <= index < len(starts):
        draft.fail(
            f"{path}.occurrence",
            f"The quote occurs {len(starts)} times in {item.article!r}, not {item.occurrence}.",
        )
        return None
    start, end = starts[index], starts[index] + len(item.quote)
    return CitationDoc(article=item.article, quote=body[start:end], start=start, end=end)


def united(stored: Sequence[CitationDoc], added: Sequence[CitationDoc]) -> list[CitationDoc]:
    """The stored citations, then the added ones not among them."""
    return [*stored, *(citation for citation in added if citation not in stored)]
