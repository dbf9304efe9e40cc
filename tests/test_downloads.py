"""Checksummed downloads: offline and mismatch errors say what to do and leave nothing behind."""

import hashlib
import io
import urllib.error
import zipfile

import pytest

from depthrep.pipeline import downloads

ARCHIVE_URL = "https://example.org/data/dalmatian.zip"


def zipped(member: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


@pytest.fixture
def serve(monkeypatch):
    """Make urllib 'download' the given bytes, or fail as when offline (None)."""

    def install(payload):
        def urlopen(url, timeout=None):
            if payload is None:
                raise urllib.error.URLError("Temporary failure in name resolution")
            return io.BytesIO(payload)

        monkeypatch.setattr(downloads.urllib.request, "urlopen", urlopen)

    return install


def test_a_download_matching_its_checksum_is_kept_and_its_member_extracted(tmp_path, serve):
    payload = zipped("dalmatian/Dalmatian.jpg", b"jpeg bytes")
    serve(payload)
    archive = downloads.fetch(ARCHIVE_URL, tmp_path / "d.zip", hashlib.sha256(payload).hexdigest())
    image = downloads.extract_member(archive, "dalmatian/Dalmatian.jpg", tmp_path / "d.jpg", hashlib.sha256(b"jpeg bytes").hexdigest())
    assert image.read_bytes() == b"jpeg bytes"


def test_offline_the_error_says_which_file_to_put_where(tmp_path, serve):
    serve(None)
    dest = tmp_path / "results/downloads/dalmatian.zip"
    with pytest.raises(downloads.DownloadError) as error:
        downloads.fetch(ARCHIVE_URL, dest, "a" * 64)
    assert ARCHIVE_URL in str(error.value) and str(dest) in str(error.value) and "a" * 64 in str(error.value)
    assert not list(dest.parent.iterdir())


def test_a_checksum_mismatch_names_both_values_and_leaves_no_file(tmp_path, serve):
    payload = zipped("x.jpg", b"other bytes")
    serve(payload)
    dest = tmp_path / "d.zip"
    with pytest.raises(downloads.DownloadError) as error:
        downloads.fetch(ARCHIVE_URL, dest, "0" * 64)
    assert "0" * 64 in str(error.value) and hashlib.sha256(payload).hexdigest() in str(error.value)
    assert not list(tmp_path.iterdir())


def test_a_member_with_the_wrong_checksum_or_missing_is_refused(tmp_path):
    archive = tmp_path / "d.zip"
    archive.write_bytes(zipped("x.jpg", b"bytes"))
    with pytest.raises(downloads.DownloadError, match="has sha256"):
        downloads.extract_member(archive, "x.jpg", tmp_path / "x.jpg", "0" * 64)
    with pytest.raises(downloads.DownloadError, match="holding y.jpg"):
        downloads.extract_member(archive, "y.jpg", tmp_path / "y.jpg", "0" * 64)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.zip"]
