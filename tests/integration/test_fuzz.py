"""Fuzzing the importer with mutated exports: every outcome is an import or a clean refusal
(one sentence, the archive as it was, no profile left `processing`) — never a crash, a
traceback or a hang. Derandomized so CI is reproducible; raise the number of examples with
DESKTOP_IMPORTER_FUZZ_EXAMPLES to search longer."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_importer.basics.errors import DesktopImporterError
from desktop_importer.importing.service import open_app, profile_status, start_import
from tests.helpers.archive import visible
from tests.helpers.exports import conversation, conversations

EXAMPLES = int(os.environ.get("DESKTOP_IMPORTER_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),  # a hang fails the example
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BASE: list[Any] = [
    *conversations(3),
    conversation("branchy", [("user", "q"), ("assistant", "a")], current_node="missing"),
    json.loads((Path(__file__).parents[1] / "fixtures" / "claude_conversations.json").read_text())[
        0
    ],
]


def zipped(data: list[Any] | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "conversations.json", data if isinstance(data, bytes) else json.dumps(data)
        )
        archive.writestr("user.json", "{}")
    return buffer.getvalue()


BASE_ZIP = zipped(BASE)
SEED_ZIP = zipped([conversation("seed", [("user", "already here")])])


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


PATHS = [p for p in paths(BASE) if p]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding one imported conversation, made once and copied for each
    example (an import of its own per example would double the fuzzing's time)."""
    folder = tmp_path_factory.mktemp("seeded")
    seed = folder / "seed.zip"
    seed.write_bytes(SEED_ZIP)
    app = open_app(folder / "data")
    try:
        start_import(app, seed)
    finally:
        app.close()
    return folder / "data"


def import_cleanly(seeded: Path, export: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree(seeded, data)
        app = open_app(data)
        try:
            before = visible(app)
            assert before  # the seed is there to be kept
            path = Path(folder) / "fuzzed.zip"
            path.write_bytes(export)
            refusal: DesktopImporterError | None = None
            try:
                start_import(app, path)
            except DesktopImporterError as error:
                refusal = error
            if refusal is not None:
                assert refusal.message
                assert "\n" not in refusal.message
                assert "unexpectedly" not in refusal.message  # the sentence for a fault of ours
                assert visible(app) == before
            assert profile_status(app).status in ("complete", "failed")
        finally:
            app.close()


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, len(BASE_ZIP) - 1), st.integers(0, 255)), max_size=6),
    cut=st.none() | st.integers(0, len(BASE_ZIP)),
)
def test_mutated_zip_bytes_import_or_are_refused_cleanly(
    seeded: Path, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(BASE_ZIP)
    for at, value in flips:
        data[at] = value
    import_cleanly(seeded, bytes(data[:cut]))


@FUZZ
@given(where=st.sampled_from(PATHS), value=JSON_VALUES, delete=st.booleans())
def test_mutated_json_structure_imports_or_is_refused_cleanly(
    seeded: Path, where: tuple[Any, ...], value: Any, delete: bool
) -> None:
    mutated = copy.deepcopy(BASE)
    parent: Any = mutated
    for step in where[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    import_cleanly(seeded, zipped(mutated))


@FUZZ
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_conversations_json_text_is_refused_or_imported_cleanly(
    seeded: Path, text: str
) -> None:
    import_cleanly(seeded, zipped(text.encode("utf-8", "surrogatepass")))


# -- every vendor's export ----------------------------------------------------------------

FIXTURES = Path(__file__).parents[1] / "fixtures"
GEMINI = "Takeout/My Activity/Gemini Apps/"


def vendor_members() -> dict[str, dict[str, Any]]:
    """Each vendor's fixture export as ZIP members (name -> JSON value, or HTML text)."""
    return {
        "claude": {"conversations.json": json.loads((FIXTURES / "claude_conversations.json").read_text())},
        "deepseek": {"conversations.json": json.loads((FIXTURES / "deepseek_conversations.json").read_text())},
        "grok": {"export_data/u/prod-grok-backend.json": json.loads((FIXTURES / "grok_backend.json").read_text())},
        "lechat": {p.name: json.loads(p.read_text()) for p in sorted((FIXTURES / "lechat").glob("chat-*.json"))},
        "gemini-json": {f"{GEMINI}MyActivity.json": json.loads((FIXTURES / "gemini" / "MyActivity.json").read_text())},
        "gemini-html": {f"{GEMINI}MyActivity.html": (FIXTURES / "gemini" / "MyActivity.html").read_text()},
    }  # fmt: skip


VENDORS = vendor_members()
VENDOR_FUZZ = settings(FUZZ, max_examples=max(1, EXAMPLES // 8))


def members_zip(members: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in members.items():
            archive.writestr(name, value if isinstance(value, str) else json.dumps(value))
    return buffer.getvalue()


@pytest.mark.parametrize("vendor", list(VENDORS))
@VENDOR_FUZZ
@given(data=st.data())
def test_every_vendors_mutated_export_imports_or_is_refused_cleanly(
    seeded: Path, vendor: str, data: st.DataObject
) -> None:
    """Bytes flipped in the ZIP, or a value of the vendor's JSON replaced or removed (for
    Gemini's HTML: a piece cut out or a tag put in)."""
    members = copy.deepcopy(VENDORS[vendor])
    if data.draw(st.booleans(), label="flip bytes"):
        export = bytearray(members_zip(members))
        for at, value in data.draw(
            st.lists(st.tuples(st.integers(0, len(export) - 1), st.integers(0, 255)), max_size=6)
        ):
            export[at] = value
        import_cleanly(seeded, bytes(export))
        return
    name = data.draw(st.sampled_from(sorted(members)), label="member")
    if isinstance(members[name], str):
        text = members[name]
        at = data.draw(st.integers(0, len(text)), label="at")
        cut = data.draw(st.integers(0, 300), label="cut")
        put = data.draw(st.sampled_from(["", "<", "</div>", "<script>x</script>", "\x00"]))
        members[name] = text[:at] + put + text[at + cut :]
    else:
        where = data.draw(st.sampled_from([p for p in paths(members[name]) if p]), label="path")
        parent: Any = members[name]
        for step in where[:-1]:
            parent = parent[step]
        if data.draw(st.booleans(), label="delete") and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = data.draw(JSON_VALUES, label="value")
    import_cleanly(seeded, members_zip(members))
