"""The composition root of the store: the engine, the opened archive (`Store`), the lock
that one schema upgrade at a time holds, and the translation of SQLite's environment
failures into sentences for the user. The schema and its migrations are migrations.py; an
import's checkpoints, checkpoints.py."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import sys
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from desktop_importer.basics import paths
from desktop_importer.basics.errors import EnvironmentProblem
from desktop_importer.store.checkpoints import AUTOCHECKPOINT_PAGES, CheckpointsAside
from desktop_importer.store.migrations import prepare_schema, register_functions
from desktop_importer.store.models import Setting

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another program's lock


def busy_timeout_ms() -> int:
    """The busy timeout, or DESKTOP_IMPORTER_BUSY_TIMEOUT_MS (tests make it short)."""
    return int(os.environ.get("DESKTOP_IMPORTER_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS))


def _environment_sentence(error: BaseException, db_path: Path) -> str | None:
    """The user's sentence for a SQLite failure that is the environment's, or None for a bug."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return (
            f"The archive database is locked by another program ({db_path}); "
            "close that program and try again."
        )
    if "readonly" in text or "read-only" in text:
        return f"The archive database is read-only ({db_path}); it cannot be written to."
    if "disk is full" in text or "database or disk is full" in text:
        return "The disk is full: free some space and try the import again."
    if "unable to open" in text:
        return f"The archive database cannot be opened at {db_path}."
    if "disk i/o error" in text:
        return f"A disk error stopped the archive database at {db_path}."
    if "not a database" in text or "malformed" in text:
        return f"The archive database at {db_path} is damaged or is not an archive database."
    return None


@contextlib.contextmanager
def environment_errors(db_path: Path) -> Iterator[None]:
    """Turn SQLite's environment failures (locked, read-only, full, damaged) into
    EnvironmentProblem; let anything else through as the bug it is."""
    try:
        yield
    except (OperationalError, DatabaseError, sqlite3.OperationalError, sqlite3.DatabaseError) as e:
        sentence = _environment_sentence(e, db_path)
        if sentence is None:
            raise
        raise EnvironmentProblem(sentence) from e


LOCK_TIMEOUT_S = 120.0  # how long opening waits for another process's schema upgrade


def lock_timeout_s() -> float:
    """The wait for the schema lock, or DESKTOP_IMPORTER_LOCK_TIMEOUT_S (tests make it short)."""
    return float(os.environ.get("DESKTOP_IMPORTER_LOCK_TIMEOUT_S", LOCK_TIMEOUT_S))


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError on POSIX, a plain OSError from msvcrt
        return False
    return True


@contextlib.contextmanager
def _exclusive_file_lock(
    lock_path: Path, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """An OS-level lock across processes, for the schema work at start-up. If another
    process holds it (an upgrade of a large archive), say so once through `waiting`, and
    give up with a sentence after lock_timeout_s() rather than hang."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _try_lock(fd):
            log.info("Waiting for another process to finish upgrading the archive")
            if waiting is not None:
                waiting()
            deadline = time.monotonic() + lock_timeout_s()
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise EnvironmentProblem(
                        "Another Desktop Importer is still upgrading the archive after "
                        f"{lock_timeout_s():,.0f} seconds; try again when it has finished."
                    )
                time.sleep(0.05)  # flock has no timed wait; this is the poll
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _build_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        url = f"sqlite+pysqlite:///file:{db_path}?mode=ro&uri=true"
    else:
        url = f"sqlite+pysqlite:///{db_path}"
    timeout_ms = busy_timeout_ms()
    engine = create_engine(url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions away from Python's sqlite3 module, which would only BEGIN before
        # the first write and so leave a read-then-write unprotected (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        register_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front, so a claim's read and write are one unit and
        # a lock upgrade can never deadlock; readers stay deferred and never block writers.
        deferred = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")

    return engine


class Store:
    """The opened archive: a write engine (BEGIN IMMEDIATE) and a read engine (deferred)."""

    def __init__(self, engine: Engine, db_path: Path) -> None:
        self.engine = engine
        self.reader = engine.execution_options(read_only=True)
        self.path = db_path
        self._asides: list[CheckpointsAside] = []  # imports of this process checkpointing aside
        event.listen(engine, "begin", self._set_autocheckpoint)

    def _set_autocheckpoint(self, connection: Connection) -> None:
        """Each write transaction's commit checkpoints as SQLite does, unless an import of
        this process checkpoints aside (then not at all): set per connection when it
        changes (after the BEGIN, which the engine's own listener issued first)."""
        if connection.get_execution_options().get("read_only", False):
            return
        wanted = 0 if self._asides else AUTOCHECKPOINT_PAGES
        info = connection.connection.info
        if info.get("autocheckpoint", AUTOCHECKPOINT_PAGES) != wanted:
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {wanted}")
            info["autocheckpoint"] = wanted

    @contextlib.contextmanager
    def checkpoints_aside(self) -> Iterator[CheckpointsAside]:
        """While the block runs, this process's write transactions leave checkpoints to a
        thread of their own (CheckpointsAside); one last checkpoint when it ends."""
        aside = CheckpointsAside(self.path)
        self._asides.append(aside)
        try:
            yield aside
        finally:
            aside.stop()
            self._asides.remove(aside)
            aside.last_checkpoint()

    def write(self) -> contextlib.AbstractContextManager[Session]:
        """A session in one write transaction: committed on success, rolled back otherwise."""
        for aside in tuple(self._asides):
            if aside.log_is_long:  # between two transactions: the moment to catch up
                self._catch_up(aside)
        return _transaction(Session(self.engine, expire_on_commit=False), self.path)

    def _catch_up(self, aside: CheckpointsAside) -> None:
        try:
            pooled = self.engine.raw_connection()  # no transaction: a checkpoint needs none
        except DatabaseError:
            return  # the transaction about to begin says what is wrong
        try:
            db = pooled.driver_connection
            if isinstance(db, sqlite3.Connection):
                aside.catch_up(db)
        finally:
            pooled.close()

    def read(self) -> contextlib.AbstractContextManager[Session]:
        """A session in one read transaction (a consistent snapshot; never takes the write lock)."""
        return _transaction(Session(self.reader, expire_on_commit=False), self.path)

    def stored_settings(self) -> dict[str, str]:
        with self.read() as session:
            return {row.key: row.value for row in session.scalars(select(Setting))}

    def close(self) -> None:
        self.engine.dispose()


@contextlib.contextmanager
def _transaction(session: Session, db_path: Path) -> Iterator[Session]:
    with environment_errors(db_path), session, session.begin():
        yield session


def open_store(
    data_dir: Path | None = None,
    *,
    read_only: bool = False,
    waiting: Callable[[], None] | None = None,
) -> Store:
    """Open (creating or upgrading once, under an exclusive lock) the archive in `data_dir`.
    `waiting` is called once if another process holds that lock (see _exclusive_file_lock)."""
    folder = data_dir or paths.data_dir()
    db_path = folder / paths.DATABASE_NAME
    try:
        paths.ensure_private_dir(folder)
        if not read_only:
            paths.touch_private_file(db_path)
    except OSError as e:
        raise EnvironmentProblem(
            f"The archive database cannot be opened at {db_path} ({e.strerror or e})."
        ) from e
    with environment_errors(db_path):
        if read_only:
            engine = _build_engine(db_path, read_only=True)
        else:
            with _exclusive_file_lock(folder / "archive.lock", waiting):
                engine = _build_engine(db_path)
                try:
                    prepare_schema(engine, db_path)
                except BaseException:
                    engine.dispose()
                    raise
    return Store(engine, db_path)
