"""Checksummed downloads: a file is kept only when its sha256 matches the pinned value."""

from __future__ import annotations

import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ..files import atomic_path, sha256


class DownloadError(RuntimeError):
    """A download that failed or does not match its pinned checksum."""


def check_sha256(path: Path, expected: str, what: str) -> None:
    found = sha256(path)
    if found != expected:
        raise DownloadError(f"{what} {path} has sha256 {found}, expected {expected}")


def fetch(url: str, dest: str | Path, expected_sha256: str, timeout: float = 60) -> Path:
    """Download `url` to `dest`, checked against `expected_sha256`; nothing is left on failure."""
    dest = Path(dest)
    with atomic_path(dest) as tmp:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
        except (urllib.error.URLError, OSError) as err:
            raise DownloadError(
                f"could not download {url} ({err}). Offline? Download it elsewhere and put it at {dest} "
                f"(sha256 {expected_sha256}), or point the config at a local image file instead."
            ) from err
        check_sha256(tmp, expected_sha256, f"download of {url} into")
    return dest


def extract_member(archive: str | Path, member: str, dest: str | Path, expected_sha256: str) -> Path:
    """Copy one file out of a zip archive, checked against `expected_sha256`."""
    dest = Path(dest)
    try:
        with zipfile.ZipFile(archive) as zipped, atomic_path(dest) as tmp:
            tmp.write_bytes(zipped.read(member))
            check_sha256(tmp, expected_sha256, f"{member} from")
    except (zipfile.BadZipFile, KeyError) as err:
        raise DownloadError(f"{archive} is not a zip archive holding {member}: {err}") from err
    return dest
