"""The composition root: `open_app` opens the archive and builds the App that every call of
the service, the library, the export and upkeep takes (app.py). The command line, the
window and the benchmarks start here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_importer.app import App
from desktop_importer.basics.clock import Clock, SystemClock
from desktop_importer.basics.settings import resolve
from desktop_importer.store import open_store
from desktop_importer.upkeep import recovery

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def open_app(
    data_dir: Path | None = None,
    *,
    clock: Clock | None = None,
    recover: bool = True,
    waiting: Callable[[], None] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> App:
    """Open the archive, recovering first from any import that died and doing any data
    work an upgrade owes (a short read when there is nothing to do), with `progress(stage,
    done)` after each step. The window passes `recover=False` and does that off its GUI
    thread. `waiting` is called once if another process is upgrading the archive's schema
    (opening then waits, and gives up with a sentence)."""
    store = open_store(data_dir, waiting=waiting)
    try:
        settings = resolve(store.stored_settings())
        app = App(store, clock or SystemClock(), settings)
        if recover and recovery.recovery_needed(app):
            recovery.recover(app, progress=progress)
    except BaseException:
        store.close()
        raise
    return app
