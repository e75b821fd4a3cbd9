"""One line between Qt and the rest: everything but the gui package runs without PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import desktop_importer


def test_every_module_outside_the_gui_imports_with_pyside6_unimportable() -> None:
    modules = [
        info.name
        for info in pkgutil.walk_packages(desktop_importer.__path__, "desktop_importer.")
        if not info.name.startswith("desktop_importer.gui")
        and info.name != "desktop_importer.__main__"
    ]
    assert "desktop_importer.service" in modules
    assert "desktop_importer.cli" in modules
    script = "import sys, importlib; sys.modules['PySide6'] = None\n" + "".join(
        f"importlib.import_module({name!r})\n" for name in modules
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
