"""Content-addressed file storage. Pluggable: an object store can replace LocalStorage.

Files are named by their SHA-256, written once (temp file + rename, so a reader
never sees half a file) and shared by every version that has the same bytes.
"""
import hashlib
import os
from abc import ABC, abstractmethod
import shutil
import tempfile
from pathlib import Path

CHUNK = 1024 * 1024


class Storage(ABC):
    """What the documents domain needs from a store of immutable blobs (LocalStorage below)."""

    @abstractmethod
    def put(self, source_path):
        """Store the file at source_path (moved or copied in); return its SHA-256."""

    @abstractmethod
    def exists(self, sha256):
        """Whether a blob with this SHA-256 is stored."""

    @abstractmethod
    def open(self, sha256):
        """A binary file object for reading."""

    @abstractmethod
    def size(self, sha256):
        """The blob's size in bytes."""

    @abstractmethod
    def delete(self, sha256):
        """Remove the blob (callers first make sure nothing refers to it)."""

    def local_path(self, sha256):
        """A filesystem path for zero-copy delivery (sendfile, X-Accel-Redirect), or None."""
        return None

    def relative_path(self, sha256):
        """The path below the storage root, for X-Accel-Redirect; None when not applicable."""
        return None

    @abstractmethod
    def cache_path(self, *parts):
        """Where a derived, re-creatable file (watermarked copy, meeting book) is kept."""

    @abstractmethod
    def scratch_dir(self):
        """A folder for temporary files on the same filesystem as the store (for atomic renames)."""

    @abstractmethod
    def clear(self):
        """Remove every blob, derived file and temporary file (`ecabinet seed-demo --reset`); the number
        of blobs removed. Nothing else kept beside the store is touched."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _valid_sha(sha256):
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return sha256


class LocalStorage(Storage):
    """Blobs under <root>/blobs/ab/cd/<sha256>.pdf; cache under <root>/cache; temp files under <root>/tmp."""

    def __init__(self, root):
        self.root = Path(root)
        for name in ("blobs", "cache", "tmp"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def relative_path(self, sha256):
        _valid_sha(sha256)
        return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}.pdf"

    def local_path(self, sha256):
        return self.root / self.relative_path(sha256)

    def put(self, source_path):
        sha = sha256_of(source_path)
        target = self.local_path(sha)
        if target.exists():
            return sha  # deduplicated: the same bytes are already stored
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, open(source_path, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o640)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return sha

    def exists(self, sha256):
        return self.local_path(sha256).exists()

    def open(self, sha256):
        return open(self.local_path(sha256), "rb")

    def size(self, sha256):
        return self.local_path(sha256).stat().st_size

    def delete(self, sha256):
        self.local_path(sha256).unlink(missing_ok=True)
        shutil.rmtree(self.root / "cache" / "watermarked" / _valid_sha(sha256), ignore_errors=True)

    def cache_path(self, *parts):
        path = self.root.joinpath("cache", *[str(p) for p in parts])
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def scratch_dir(self):
        return self.root / "tmp"

    def blob_count(self):
        return sum(1 for _ in (self.root / "blobs").rglob("*.pdf"))

    def clear(self):
        """Empty blobs/, cache/ and tmp/ (and only those: the signing CA under pki/ stays)."""
        removed = self.blob_count()
        for name in ("blobs", "cache", "tmp"):
            shutil.rmtree(self.root / name, ignore_errors=True)
            (self.root / name).mkdir(parents=True, exist_ok=True)
        return removed


def write_atomically(target, produce):
    """Call produce(temp_path) to write a file, then rename it into place; return target."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".building-")
    os.close(fd)
    try:
        produce(temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def get_storage():
    from flask import current_app

    return current_app.extensions["ecabinet_storage"]
