"""The session's archive as a ZIP written while it streams: nothing is put in a temporary file, and
each file's SHA-256 is summed as it passes, for the manifest written at the end. Pure functions of
bytes and paths: everything that needs the database is gathered before streaming starts."""
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 256 * 1024


@dataclass
class Entry:
    name: str
    description: str
    data: bytes | None = None   # in memory, or
    path: Path | None = None    # a file read in chunks
    compress: bool = True

    def chunks(self):
        if self.data is not None:
            yield self.data
            return
        with open(self.path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk


class _Sink:
    """A write-only stream zipfile writes into; the generator hands out what it wrote."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _info(name, moment, compress):
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def stream_zip(entries, *, moment, manifest_header, readme):
    """Yield the ZIP's bytes: each entry, then `manifest.json` (manifest_header + each file's name,
    size, SHA-256 and description), `SHA256SUMS` (for `sha256sum -c`) and README.txt (`readme(files)`)."""
    sink = _Sink()
    files = []
    with zipfile.ZipFile(sink, "w") as archive:
        for entry in entries:
            digest, size = hashlib.sha256(), 0
            with archive.open(_info(entry.name, moment, entry.compress), "w", force_zip64=True) as handle:
                for chunk in entry.chunks():
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if sink.parts:
                        yield sink.take()
            files.append({"name": entry.name, "size": size, "sha256": digest.hexdigest(),
                          "description": entry.description})
            yield sink.take()
        manifest = {**manifest_header, "files": files}
        archive.writestr(_info("manifest.json", moment, True),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        archive.writestr(_info("SHA256SUMS", moment, True),
                         "".join(f"{f['sha256']}  {f['name']}\n" for f in files).encode())
        archive.writestr(_info("README.txt", moment, True), readme(files).encode("utf-8"))
    yield sink.take()
