"""Landing: object sources (folder, S3/MinIO), readers, manifest, quarantine.

``land(source, warehouse, progress=print) -> LandingReport`` is the entry point;
see ``migstat.landing.core``. Fatal problems raise a ``LandingError`` subclass.
"""

from migstat.landing.core import LandingReport, land, object_id_of
from migstat.landing.errors import (
    LandingError,
    StoreCredentialsError,
    StoreError,
    StoreUnreachableError,
    Unreadable,
    WarehouseLockedError,
)
from migstat.landing.readers import read_object
from migstat.landing.sources import (
    FolderSource,
    ObjectInfo,
    S3Source,
    open_source,
    unsafe_key_reason,
)

__all__ = [
    "FolderSource",
    "LandingError",
    "LandingReport",
    "ObjectInfo",
    "S3Source",
    "StoreCredentialsError",
    "StoreError",
    "StoreUnreachableError",
    "Unreadable",
    "WarehouseLockedError",
    "land",
    "object_id_of",
    "open_source",
    "read_object",
    "unsafe_key_reason",
]
