"""The protocol between the window and the import it runs as a child process
(`desktop-importer import PATH --profile P --worker`), both ends' one source of its words.

The child writes one JSON object a line on stdout: `{"event": "progress", ...}` as it goes,
then `{"event": "result", ...}`, the body `import --json` prints (a report, or `status` and
`error`). The window asks it to stop with a `cancel` line on stdin, or by closing stdin.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_importer.basics.progress import ProgressUpdate

WORKER_FLAG = "--worker"
CANCEL = "cancel"  # a line on the child's stdin
PROGRESS, RESULT = "progress", "result"  # the `event` of each line on its stdout


def progress_line(progress: ProgressUpdate) -> str:
    return json.dumps(
        {
            "event": PROGRESS,
            "stage": progress.stage,
            "bytesDone": progress.bytes_done,
            "bytesTotal": progress.bytes_total,
            "conversationsDone": progress.conversations_done,
            "conversationsTotal": progress.conversations_total,
        }
    )


def result_body(body: dict[str, Any]) -> dict[str, Any]:
    return {"event": RESULT, **body}


def read_line(line: bytes) -> dict[str, Any] | None:
    """A line of the child's stdout as a message, or None (not one of ours)."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def is_progress(message: dict[str, Any]) -> bool:
    return message.get("event") == PROGRESS


def is_result(message: dict[str, Any]) -> bool:
    return message.get("event") == RESULT


def progress_of(message: dict[str, Any]) -> ProgressUpdate:
    return ProgressUpdate(
        str(message.get("stage", "")),
        int(message.get("bytesDone", 0)),
        int(message.get("bytesTotal", 0)),
        int(message.get("conversationsDone", 0)),
        message.get("conversationsTotal"),
    )
