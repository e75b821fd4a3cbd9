"""The window and its import child speak one protocol, written in one place."""

from __future__ import annotations

from desktop_importer.basics.progress import ProgressUpdate
from desktop_importer.importing import worker_protocol as protocol


def test_progress_goes_through_whole() -> None:
    sent = ProgressUpdate("reading", 1_000, 5_000, 12, None)
    message = protocol.read_line(protocol.progress_line(sent).encode())
    assert message is not None and protocol.is_progress(message)
    assert protocol.progress_of(message) == sent


def test_a_result_is_told_from_progress_and_stray_lines_are_ignored() -> None:
    result = protocol.result_body({"status": "complete", "added": 3})
    assert protocol.is_result(result) and not protocol.is_progress(result)
    assert protocol.read_line(b"Traceback (most recent call last):") is None
    assert protocol.read_line(b"[1, 2]") is None
