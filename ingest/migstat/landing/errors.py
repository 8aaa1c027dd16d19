"""Fatal landing errors: the run stops, nothing half-written stays behind."""

from __future__ import annotations


class LandingError(RuntimeError):
    """A delivery cannot be landed at all (the message says why)."""


class StoreError(LandingError):
    """The object store kept failing (after retries where retrying can help)."""


class StoreUnreachableError(StoreError):
    """The object store endpoint does not answer (connection refused, DNS, timeout)."""


class StoreCredentialsError(StoreError):
    """The object store refused the credentials (HTTP 403)."""


class WarehouseLockedError(LandingError):
    """Another process is writing the warehouse."""


class Unreadable(Exception):  # noqa: N818 - a verdict on an object, not a run failure
    """An object that cannot be read as its dataset's agreed layout: it is quarantined."""
