"""The layers: one line between Qt and the rest (everything but the gui package runs without
PySide6), SQLAlchemy in the store alone, the window apart from the store and the vendors'
parsers, and no import cycle."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop_importer


def test_every_module_outside_the_gui_imports_with_pyside6_unimportable() -> None:
    modules = [
        info.name
        for info in pkgutil.walk_packages(desktop_importer.__path__, "desktop_importer.")
        if not info.name.startswith("desktop_importer.gui")
        and info.name != "desktop_importer.__main__"
    ]
    assert "desktop_importer.importing.service" in modules
    assert "desktop_importer.cli" in modules
    script = "import sys, importlib; sys.modules['PySide6'] = None\n" + "".join(
        f"importlib.import_module({name!r})\n" for name in modules
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# -- what imports what, read from the source (type-only imports counted too) ----------------

ROOT = Path(desktop_importer.__file__).parent


def _module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = ("desktop_importer", *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _in_type_checking(tree: ast.Module) -> set[ast.AST]:
    """The import statements under `if TYPE_CHECKING:`."""
    inside: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(ast.walk(child))
    return inside


def imports(module: str, *, type_only_too: bool = True) -> set[str]:
    """Every module `module` imports (by its full dotted name)."""
    tree = ast.parse(MODULES[module].read_text())
    skip = set() if type_only_too else _in_type_checking(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from package import module` reaches the module
                inner = f"{node.module}.{alias.name}"
                found.add(inner if inner in MODULES else node.module)
    return found


def _ours(names: set[str]) -> set[str]:
    return {name for name in names if name in MODULES and name != "desktop_importer"}


def test_no_import_cycle_anywhere_counting_type_only_imports() -> None:
    graph = {module: _ours(imports(module)) - {module} for module in MODULES}
    cycles: list[list[str]] = []
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            walk(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
    assert cycles == []


def test_only_the_store_imports_sqlalchemy_when_it_runs() -> None:
    outside = {
        module
        for module in MODULES
        if not module.startswith("desktop_importer.store")
        and any(name.split(".")[0] == "sqlalchemy" for name in imports(module, type_only_too=False))
    }
    assert outside == set()


def test_the_window_reaches_neither_the_store_nor_a_vendors_parser() -> None:
    reaching = {
        (module, name)
        for module in MODULES
        if module.startswith("desktop_importer.gui")
        for name in _ours(imports(module))
        if name.startswith("desktop_importer.store")
        or (name.startswith("desktop_importer.vendors.") and name not in WINDOW_SEES_OF_VENDORS)
    }
    assert reaching == set()


# What the window may know of the vendors: the blocks a message is read into (a view model)
# and the plain data of a parsed conversation (the vendors' names, the flags), never how a
# vendor's export is read.
WINDOW_SEES_OF_VENDORS = {"desktop_importer.vendors.blocks", "desktop_importer.vendors.parsed"}
