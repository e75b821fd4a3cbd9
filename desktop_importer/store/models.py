"""The schema as SQLAlchemy 2.x typed models.

A conversation is stored as immutable versions (`conversations` rows, each with its
`messages`); `conversation_heads` says which version is visible. An import writes new
versions that nothing points at, then publishes by moving the heads in one short
transaction, so a failed, cancelled or killed import changes nothing that was visible.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite itself keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class UserProfile(Base):
    """One row per profile: the processing guard and what a second window needs to show."""

    __tablename__ = "user_profiles"
    __table_args__ = (
        CheckConstraint(
            "import_status IN ('idle', 'processing', 'complete', 'failed', 'cancelled')",
            name="import_status_known",
        ),
    )

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    import_status: Mapped[str] = mapped_column(String, default="idle")
    processing_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_generation: Mapped[int] = mapped_column(Integer, default=0)  # the fencing token
    owner_host: Mapped[str | None] = mapped_column(String)
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    owner_started: Mapped[str | None] = mapped_column(String)  # raw OS start time
    last_error: Mapped[str | None] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String)
    bytes_done: Mapped[int] = mapped_column(Integer, default=0)
    bytes_total: Mapped[int] = mapped_column(Integer, default=0)
    conversations_done: Mapped[int] = mapped_column(Integer, default=0)
    conversations_total: Mapped[int | None] = mapped_column(Integer)
    current_run_id: Mapped[int | None] = mapped_column(Integer)


class ImportRun(Base):
    """Every import attempt and, once it ends, its report."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.user_id"), index=True)
    generation: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String)  # processing|complete|failed|cancelled|superseded
    source_path: Mapped[str] = mapped_column(Text)
    source_size: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    report_json: Mapped[str | None] = mapped_column(Text)


class Conversation(Base):
    """One version of a conversation, written by one import run."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_conv", "user_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.user_id"))
    conversation_id: Mapped[str] = mapped_column(String)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    vendor: Mapped[str] = mapped_column(String)
    title: Mapped[str | None] = mapped_column(Text)
    create_time: Mapped[float | None] = mapped_column(Float)  # Unix seconds, as exported
    update_time: Mapped[float | None] = mapped_column(Float)
    current_node: Mapped[str | None] = mapped_column(String)
    message_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String)
    raw_json: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed original
    flags: Mapped[int | None] = mapped_column(Integer)  # domain.ARCHIVED | STARRED; NULL: unread
    # The vendor's project it belongs to (ChatGPT's `g-p-` gizmo id; schema 18).
    project_id: Mapped[str | None] = mapped_column(String)
    # The model that answered, as its vendor's export names it (schema 20; vendors/*.model_of).
    model: Mapped[str | None] = mapped_column(String)


class ConversationHead(Base):
    """Which version of each conversation is visible."""

    __tablename__ = "conversation_heads"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_profiles.user_id"), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), unique=True)


class Message(Base):
    """A node of a conversation version's tree; visible through its version's head."""

    __tablename__ = "messages"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    node_id: Mapped[str] = mapped_column(String, primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String)
    position: Mapped[int] = mapped_column(Integer)  # order in the export's mapping
    path_index: Mapped[int | None] = mapped_column(Integer)  # place on the current path
    role: Mapped[str | None] = mapped_column(String)
    author_name: Mapped[str | None] = mapped_column(String)
    content_type: Mapped[str | None] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text, default="")
    create_time: Mapped[float | None] = mapped_column(Float)
    hidden: Mapped[bool] = mapped_column(default=False)
    raw_content: Mapped[str | None] = mapped_column(Text)  # content the reader could not read
    # False for a node an earlier export had and the newer one no longer has (kept anyway).
    in_export: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Schemas 7 to 13 kept here what the full-text index holds for a CJK message (its runs
    # as overlapping pairs, cjk.py), a second copy of its text. Since 14 it is derived when
    # the index is written and this is NULL (dropping the column would rewrite the table in
    # one step; the `index_copies` task empties it in short ones).
    index_text: Mapped[str | None] = mapped_column(Text)


class Setting(Base):
    """Settings every process must agree on (the stale threshold, size limits)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Maintenance(Base):
    """Work the archive owes itself and that must survive a crash half-way (schema 5): a
    row per task, removed when the task is done."""

    __tablename__ = "maintenance"

    name: Mapped[str] = mapped_column(String, primary_key=True)
    state: Mapped[str] = mapped_column(Text, default="pending")


class RunPresence(Base):
    """Which conversations an import's export held (schema 9), staged until it publishes."""

    __tablename__ = "run_presence"
    # Clustered by its key (schema 21): the publish reads a run's rows in conversation id
    # order, which through a separate key index was a jump in the table for each row when
    # the export's ids came in no order (as real ones do): 134 ms of a 351 ms publish at
    # 1 GB, the longest write an import makes.
    __table_args__ = ({"sqlite_with_rowid": False},)

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    vendor: Mapped[str] = mapped_column(String)
    account: Mapped[str | None] = mapped_column(String)
    seen_at: Mapped[float] = mapped_column(Float)  # its file's export date (schema 16)


class ConversationPresence(Base):
    """The latest export of its vendor and account that held each conversation (schema 9):
    one older than that account's latest export means the conversation is no longer in
    the vendor's export (deleted online, kept here)."""

    __tablename__ = "conversation_presence"
    __table_args__ = (Index("ix_presence_latest", "user_id", "vendor", "account", "seen_at"),)

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    vendor: Mapped[str] = mapped_column(String)
    account: Mapped[str | None] = mapped_column(String)
    seen_at: Mapped[float] = mapped_column(Float)  # the export's date, Unix seconds


class MediaBlob(Base):
    """One stored file per content (schema 11): its bytes are `media/<sha[:2]>/<sha>` beside
    the database, put there inside the transaction that writes this row."""

    __tablename__ = "media_blobs"

    sha256: Mapped[str] = mapped_column(String, primary_key=True)
    bytes: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)


class MediaAsset(Base):
    """A file of a profile's exports (schema 11): the id messages point at (or, for a file
    no message points at, `member:<its path>`), the content it holds and the name it had.
    Staged by an import (`published` 0) and made visible by its publish; a failed,
    cancelled or dead import's staged rows are dropped, and contents nothing refers to any
    more are deleted (references counted across every profile)."""

    __tablename__ = "media_assets"
    __table_args__ = (
        Index("ix_media_assets_run", "run_id", "published"),
        Index("ix_media_assets_sha", "sha256"),
    )

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    asset_id: Mapped[str] = mapped_column(String, primary_key=True)
    published: Mapped[bool] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String, ForeignKey("media_blobs.sha256"))
    name: Mapped[str] = mapped_column(Text)
    referenced: Mapped[bool] = mapped_column(Integer)


class Project(Base):
    """A project of a vendor's (schema 17): Claude's, with its instructions and documents,
    kept whole as exported. An export no newer than the one kept changes nothing."""

    __tablename__ = "projects"

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    vendor: Mapped[str] = mapped_column(String, primary_key=True)
    project_id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)  # as exported
    given_name: Mapped[str | None] = mapped_column(Text)  # the person's, where none is exported
    seen_at: Mapped[float] = mapped_column(Float)  # the date of the export it came from
    raw_json: Mapped[bytes | None] = mapped_column(LargeBinary)  # zlib-compressed original


class Memory(Base):
    """What an assistant remembers of its user (schema 17): Claude's `memories.json`, kept
    whole, the newest export's."""

    __tablename__ = "memories"

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    vendor: Mapped[str] = mapped_column(String, primary_key=True)
    account: Mapped[str] = mapped_column(String, primary_key=True)  # "" where it says none
    seen_at: Mapped[float] = mapped_column(Float)
    raw_json: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed original


class LibraryFile(Base):
    """A file of ChatGPT's library (schema 19: `library_files.json`), a generated document
    or image, and the message that made it: the reader shows it there."""

    __tablename__ = "library_files"
    __table_args__ = (Index("ix_library_files_conversation", "user_id", "conversation_id"),)

    user_id: Mapped[str] = mapped_column(String, primary_key=True)
    file_id: Mapped[str] = mapped_column(String, primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(String)
    message_id: Mapped[str | None] = mapped_column(String)
    name: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String)
    kind: Mapped[str | None] = mapped_column(String)  # image, report, writing_block, …
    seen_at: Mapped[float] = mapped_column(Float)


class RunSide(Base):
    """Projects and memory an import read (schema 17), staged until it publishes."""

    __tablename__ = "run_sides"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String, primary_key=True)  # project | memory
    vendor: Mapped[str] = mapped_column(String, primary_key=True)
    key: Mapped[str] = mapped_column(String, primary_key=True)  # project id, or account
    name: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[float] = mapped_column(Float)
    raw_json: Mapped[bytes] = mapped_column(LargeBinary)


class ConversationActivity(Base):
    """What Insights counts of a conversation version (schema 20), written with its messages
    (store/insights.py): per quarter of an hour in UTC (every time zone's offset is a whole
    number of quarters, so any local day or hour is a set of them), the messages the person
    and the assistant wrote and their words, as the search index counts its tokens (a CJK
    run counts one a character, as word processors count CJK). A message with no time of
    its own takes its conversation's; with neither, it is in the row of quarter -1, which
    counts in the totals only, as does the -1 row every version without a message has.
    The version's vendor and model are kept here too, so that Insights reads these rows
    alone (the conversation's row carries its JSON: reading a column after it costs an
    overflow chain per row)."""

    __tablename__ = "conversation_activity"
    __table_args__ = (
        Index("ix_activity_quarter", "quarter", "version_id"),
        {"sqlite_with_rowid": False},
    )

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)  # Unix seconds // 900
    vendor: Mapped[str] = mapped_column(String)
    model: Mapped[str | None] = mapped_column(String)
    messages: Mapped[int] = mapped_column(Integer)
    prompts: Mapped[int] = mapped_column(Integer)  # of them, the person's
    words_written: Mapped[int] = mapped_column(Integer)  # the person's
    words_read: Mapped[int] = mapped_column(Integer)  # the assistant's


class ConversationTerm(Base):
    """The words a conversation version is most about (schema 20): the person's most used
    words in its title and prompts, stop words left out (basics/words.py), counted once
    when Insights first needs them. A version with none has one row whose term is ''."""

    __tablename__ = "conversation_terms"
    # Clustered by version (its words are read together); the key also makes two windows
    # counting at once write each word once.
    __table_args__ = ({"sqlite_with_rowid": False},)

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
