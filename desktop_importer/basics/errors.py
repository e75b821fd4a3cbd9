"""The small family of errors the service raises, each carrying the sentence a user sees.

Entry points (the CLI, the window) turn these into exit codes and messages; anything
else that escapes is a bug and is logged with its traceback.
"""

from __future__ import annotations

# Exit codes from DESIGN.md ("The command line"); sysexits.h names in comments.
EXIT_OK = 0
EXIT_OTHER = 1
EXIT_DATAERR = 65  # EX_DATAERR: the file is there but is not a usable export
EXIT_NOINPUT = 66  # EX_NOINPUT: missing, not a regular file, unreadable
EXIT_CANTCREAT = 73  # EX_CANTCREAT: an output file or folder cannot be created
EXIT_IOERR = 74  # EX_IOERR: the environment failed (disk, database)
EXIT_TEMPFAIL = 75  # EX_TEMPFAIL: another import is processing
EXIT_CANCELLED = 130
EXIT_SIGPIPE = 141  # 128 + SIGPIPE: the reader of our output went away (`| head`)

ALREADY_RUNNING_MESSAGE = "Import already in progress. Please wait for it to complete."


class DesktopImporterError(Exception):
    """Base of every error that has a sentence for the user."""

    exit_code = EXIT_OTHER
    status = "failed"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PathProblem(DesktopImporterError):
    """The path is missing, not a regular file, or unreadable. Never touches the profile."""

    exit_code = EXIT_NOINPUT


class FilesMissing(PathProblem):
    """An export's files that are not where its index (Claude's manifest) says, with where to
    download each: (name, https link) pairs, for a window to offer to open."""

    def __init__(
        self, message: str, links: tuple[tuple[str, str], ...] = (), *, rest: bool = False
    ) -> None:
        super().__init__(message)
        self.links = links
        self.rest = rest  # the files that are there could be imported without the others


class InvalidExport(DesktopImporterError):
    """The file is there but is not a usable export."""

    exit_code = EXIT_DATAERR


class LimitExceeded(InvalidExport):
    """A size limit that is safe to raise refused the file (it only costs disk and time):
    the window offers "Import anyway", the command line `--allow-large`."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit  # the setting's name, e.g. max_total_bytes


class EnvironmentProblem(DesktopImporterError):
    """Disk full, database locked past its timeout, read-only, or too new."""

    exit_code = EXIT_IOERR


class CannotWrite(DesktopImporterError):
    """Where the user asked us to write (a backup, an export) cannot be written."""

    exit_code = EXIT_CANTCREAT


class ImportAlreadyRunning(DesktopImporterError):
    """The guard refused the claim: a fresh import of this profile is processing."""

    exit_code = EXIT_TEMPFAIL
    status = "processing"

    def __init__(self, elapsed_minutes: int) -> None:
        super().__init__(ALREADY_RUNNING_MESSAGE)
        self.elapsed_minutes = elapsed_minutes


class ImportSuperseded(DesktopImporterError):
    """A newer import took over this profile; this worker's work was discarded."""

    exit_code = EXIT_OTHER
    status = "superseded"

    def __init__(self) -> None:
        super().__init__(
            "This import was superseded by a newer import of the same profile; "
            "its work was discarded."
        )


class ImportCancelled(DesktopImporterError):
    """The user asked to stop; nothing the import wrote became visible."""

    exit_code = EXIT_CANCELLED
    status = "cancelled"

    def __init__(self) -> None:
        super().__init__("Import cancelled; the archive is unchanged.")


class Cancelled(DesktopImporterError):
    """The user asked to stop something other than an import (a backup, an export)."""

    exit_code = EXIT_CANCELLED
    status = "cancelled"


class UnknownConversation(DesktopImporterError):
    """`show ID` named a conversation the archive does not have."""

    exit_code = EXIT_OTHER
