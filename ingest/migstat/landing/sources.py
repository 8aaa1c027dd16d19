"""Object sources behind one interface: a local delivery folder and an S3 store (MinIO client).

``open_source(source)`` returns an ``ObjectSource``; ``list()`` yields every
object (bucket, key, size, etag) and ``get(obj)`` returns its bytes. Store
errors are classified once, here: bad credentials and an unreachable
endpoint fail fast (``StoreCredentialsError``, ``StoreUnreachableError``),
transient errors (connection reset, timeouts, 5xx, throttling) are retried
with exponential backoff and end in ``StoreError`` when they persist.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from migstat.dictionary import BUCKETS
from migstat.landing.errors import (
    LandingError,
    StoreCredentialsError,
    StoreError,
    StoreUnreachableError,
)

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,61}[a-z0-9]$")
_KEY_FORBIDDEN = ("..", "'", '"', ";", "\\", "`", "//")


def unsafe_key_reason(bucket: str, key: str) -> str | None:
    """Why ``bucket/key`` is refused before any read, or None when it is safe.

    Refused: a bucket name that is not a plain S3 name; a key that is empty,
    absolute, holds ``..``, quotes, semicolons, backticks, backslashes, an
    empty path segment, or control characters.
    """
    if not _BUCKET_RE.fullmatch(bucket):
        return f"bucket name {bucket!r} is not a plain S3 bucket name"
    if not key:
        return "empty key"
    if key.startswith("/"):
        return "absolute key (starts with '/')"
    for bad in _KEY_FORBIDDEN:
        if bad in key:
            return f"key contains {bad!r} (could escape the landing area or inject SQL)"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        return "key contains control characters"
    if len(key) > 1024:
        return "key longer than 1024 characters"
    return None


@dataclass(frozen=True)
class ObjectInfo:
    bucket: str
    key: str
    size: int
    etag: str | None  # None for a folder object not read yet
    uri: str
    modified_ns: int | None = None  # a folder file's modification time (st_mtime_ns)


class ObjectSource:
    description: str

    def list(self) -> list[ObjectInfo]:  # pragma: no cover - interface
        raise NotImplementedError

    def get(self, obj: ObjectInfo) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def etag_of(self, obj: ObjectInfo, data: bytes) -> str:
        return obj.etag or hashlib.md5(data, usedforsecurity=False).hexdigest()


class FolderSource(ObjectSource):
    """A delivery folder laid out as ``<root>/<bucket>/<key>`` (etag: md5 of the content)."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        if not self.root.is_dir():
            raise LandingError(f"delivery folder {root} does not exist or is not a folder")
        self.description = f"folder {self.root}"

    def list(self) -> list[ObjectInfo]:
        found = []
        for bucket_dir in sorted(self.root.iterdir()):
            if not bucket_dir.is_dir() or bucket_dir.name.startswith("."):
                continue
            for dirpath, dirnames, filenames in os.walk(bucket_dir):
                dirnames.sort()
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    key = path.relative_to(bucket_dir).as_posix()
                    try:
                        stat = path.lstat()
                    except OSError:
                        continue
                    found.append(
                        ObjectInfo(
                            bucket_dir.name,
                            key,
                            stat.st_size,
                            None,
                            path.absolute().as_uri(),
                            stat.st_mtime_ns,
                        )
                    )
        return found

    def get(self, obj: ObjectInfo) -> bytes:
        path = self.root / obj.bucket / obj.key
        resolved = path.resolve()
        if not resolved.is_relative_to((self.root / obj.bucket).resolve()):
            raise LandingError(f"{obj.bucket}/{obj.key} resolves outside the delivery folder")
        return resolved.read_bytes()


def _env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


class S3Source(ObjectSource):
    """An S3 store reached with the MinIO client; credentials from the environment.

    ``MINIO_ENDPOINT`` (``host:port``, an ``http(s)://`` prefix is accepted),
    ``MINIO_ACCESS_KEY``, ``MINIO_SECRET_KEY``, ``MINIO_SECURE`` (true/false).
    ``bucket=None`` reads every bucket of extracts.md that exists.
    """

    def __init__(
        self,
        bucket: str | None,
        *,
        env: dict[str, str] | None = None,
        attempts: int | None = None,
        backoff: float | None = None,
        progress: Callable[[str], None] = print,
    ):
        import urllib3
        from minio import Minio

        env = dict(os.environ if env is None else env)
        endpoint = env.get("MINIO_ENDPOINT", "").strip()
        if not endpoint:
            raise LandingError("MINIO_ENDPOINT is not set (host:port of the object store)")
        secure = _env_flag(env.get("MINIO_SECURE"))
        if endpoint.startswith(("http://", "https://")):
            secure = endpoint.startswith("https://")
            endpoint = endpoint.split("://", 1)[1].rstrip("/")
        access = env.get("MINIO_ACCESS_KEY", "")
        secret = env.get("MINIO_SECRET_KEY", "")
        if not access or not secret:
            raise StoreCredentialsError(
                "MINIO_ACCESS_KEY and MINIO_SECRET_KEY must be set to reach the object store"
            )
        self.endpoint = endpoint
        self.bucket = bucket
        self.progress = progress
        self.attempts = attempts or int(env.get("MIGSTAT_S3_ATTEMPTS", "5"))
        self.backoff = (
            backoff if backoff is not None else float(env.get("MIGSTAT_S3_BACKOFF", "0.5"))
        )
        timeout = float(env.get("MIGSTAT_S3_TIMEOUT", "30"))
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=timeout),
            retries=False,  # retries are ours, classified below
            maxsize=4,
        )
        self.client = Minio(
            endpoint, access_key=access, secret_key=secret, secure=secure, http_client=http
        )
        scheme = "https" if secure else "http"
        self.description = f"object store {scheme}://{endpoint}" + (f"/{bucket}" if bucket else "")

    # -- error handling

    def _call(self, what: str, fn):
        """Run ``fn`` with retries on transient errors; classify the rest."""
        import urllib3.exceptions as ux
        from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except S3Error as error:
                status = getattr(error.response, "status", None)
                code = error.code or ""
                if status in (401, 403) or code in (
                    "AccessDenied",
                    "InvalidAccessKeyId",
                    "SignatureDoesNotMatch",
                ):
                    raise StoreCredentialsError(
                        f"{self.description} refused the credentials on {what}: "
                        f"{code or status} (check MINIO_ACCESS_KEY / MINIO_SECRET_KEY)"
                    ) from error
                if code in ("SlowDown", "InternalError", "ServiceUnavailable") or (
                    status and status >= 500
                ):
                    problem = f"{code} (HTTP {status})"
                else:
                    raise StoreError(
                        f"{self.description}: {what} failed: {code}: {error}"
                    ) from error
            except (ServerError, InvalidResponseError) as error:
                status = getattr(error, "_code", None) or getattr(error, "status_code", None)
                status = int(status) if str(status).isdigit() else None
                text = str(error)
                if status in (401, 403):
                    raise StoreCredentialsError(
                        f"{self.description} refused the credentials on {what} (HTTP 403): "
                        "check MINIO_ACCESS_KEY / MINIO_SECRET_KEY"
                    ) from error
                if isinstance(error, ServerError) or (status and status >= 500):
                    problem = f"server error: {text.splitlines()[0][:200]}"
                else:
                    raise StoreError(f"{self.description}: {what} failed: {text[:300]}") from error
            except (ux.NewConnectionError, ux.NameResolutionError) as error:
                raise StoreUnreachableError(
                    f"{self.description} is unreachable ({what}): {_reason(error)}"
                ) from error
            except ux.ConnectTimeoutError as error:
                raise StoreUnreachableError(
                    f"{self.description} did not accept a connection within 5 s ({what})"
                ) from error
            except ux.MaxRetryError as error:
                inner = error.reason
                if isinstance(inner, ux.NewConnectionError | ux.ConnectTimeoutError):
                    raise StoreUnreachableError(
                        f"{self.description} is unreachable ({what}): {_reason(inner)}"
                    ) from error
                problem = f"{type(inner).__name__}: {inner}"
            except (ux.ProtocolError, ux.ReadTimeoutError, ux.HTTPError, ConnectionError) as error:
                problem = f"{type(error).__name__}: {str(error)[:200]}"
            except MinioException as error:
                problem = f"{type(error).__name__}: {str(error)[:200]}"
            if attempt == self.attempts:
                raise StoreError(
                    f"{self.description}: {what} still failing after {attempt} attempts: {problem}"
                )
            self.progress(f"store: {what}: {problem}; retry {attempt} in {delay:.1f} s")
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    # -- interface

    def buckets(self) -> list[str]:
        if self.bucket:
            if not self._call(f"bucket {self.bucket}", self._bucket_exists):
                raise LandingError(f"{self.description}: bucket {self.bucket!r} does not exist")
            return [self.bucket]
        present = {b.name for b in self._call("list buckets", self.client.list_buckets)}
        return [b for b in BUCKETS if b in present]

    def _bucket_exists(self) -> bool:
        from minio.error import InvalidResponseError

        try:
            return self.client.bucket_exists(self.bucket)
        except InvalidResponseError as error:  # rclone answers 404 NoSuchBucket as text/xml
            if "NoSuchBucket" in str(error):
                return False
            raise

    def list(self) -> list[ObjectInfo]:
        found = []
        for bucket in self.buckets():

            def listing(bucket=bucket):
                return [o for o in self.client.list_objects(bucket, recursive=True) if not o.is_dir]

            for obj in self._call(f"list {bucket}", listing):
                etag = (obj.etag or "").strip('"') or None
                found.append(
                    ObjectInfo(
                        bucket,
                        obj.object_name,
                        int(obj.size or 0),
                        etag,
                        f"s3://{bucket}/{obj.object_name}",
                    )
                )
        found.sort(key=lambda o: (o.bucket, o.key))
        return found

    def get(self, obj: ObjectInfo) -> bytes:
        def fetch():
            response = self.client.get_object(obj.bucket, obj.key)
            try:
                data = response.read(decode_content=True)
            finally:
                response.close()
                response.release_conn()
            if len(data) != obj.size:
                from urllib3.exceptions import ProtocolError

                raise ProtocolError(f"got {len(data)} bytes of {obj.size}")
            return data

        return self._call(f"get {obj.bucket}/{obj.key}", fetch)


def _reason(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "timed out"):
        if marker in text:
            return marker.lower()
    return text.split(": ", 1)[-1][:200]


def open_source(source: str, progress: Callable[[str], None] = print) -> ObjectSource:
    """``s3://`` (every bucket of extracts.md), ``s3://BUCKET`` or a local folder path."""
    if source.startswith("s3://"):
        rest = source[len("s3://") :].strip("/")
        if "/" in rest:
            raise LandingError(f"source {source!r}: use s3:// or s3://BUCKET (no key prefix)")
        if rest and not _BUCKET_RE.fullmatch(rest):
            raise LandingError(f"source {source!r}: {rest!r} is not a bucket name")
        return S3Source(rest or None, progress=progress)
    if "://" in source:
        raise LandingError(f"source {source!r}: only a folder path or s3:// is understood")
    return FolderSource(Path(source))
