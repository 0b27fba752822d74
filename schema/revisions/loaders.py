from __future__ import annotations

from model import paths
from model.names import REVISIONS
from schema.common.loaders import DocumentBySlugLoader, by_parent

RevisionBySlugLoader = DocumentBySlugLoader.of(REVISIONS)
RevisionsByNodeLoader, RevisionCountByNodeLoader = by_parent(REVISIONS, paths.REVISION_NODE)
