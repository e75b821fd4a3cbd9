"""Delete the shared libraries of a PyInstaller bundle that nothing loads any more.

The spec drops Qt plugins the app does not use; the libraries only those plugins needed
(EGLFS support, GTK's cairo and GIO, …) stay behind. Starting from the roots — the
executable, libpython (which the bootloader opens by name), Python extension modules and
the Qt plugins that were kept — this follows every ELF DT_NEEDED entry and deletes the
bundled libraries never reached, and the symlinks that pointed at them.

    python packaging/linux/prune.py build/dist/desktop-importer
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[(.+?)\]")


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False)
    return NEEDED.findall(out.stdout)


def is_root(path: Path, bundle: Path) -> bool:
    name = path.name
    relative = path.relative_to(bundle).parts
    return (
        path.parent == bundle  # the executable
        or name.startswith("libpython")
        or ".cpython-" in name
        or name.endswith(".abi3.so")
        or "lib-dynload" in relative
        or "plugins" in relative
    )


def prune(bundle: Path) -> list[Path]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    by_name: dict[str, list[Path]] = {}
    for path in bundle.rglob("*"):
        if path.is_file() and is_elf(path.resolve()):
            by_name.setdefault(path.name, []).append(path.resolve())
    reached: set[Path] = set()
    todo = [p.resolve() for p in files if is_root(p, bundle)]
    while todo:
        current = todo.pop()
        if current in reached:
            continue
        reached.add(current)
        for dependency in needed(current):
            todo.extend(by_name.get(dependency, []))
    removed = [p for p in files if p.resolve() not in reached]
    for path in removed:
        path.unlink()
    for link in [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]:
        link.unlink()
        removed.append(link)
    return removed


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    bundle = Path(sys.argv[1]).resolve()
    internal = bundle / "_internal"
    before = sum(
        p.stat().st_size for p in internal.rglob("*") if p.is_file() and not p.is_symlink()
    )
    removed = prune(bundle)
    after = sum(p.stat().st_size for p in internal.rglob("*") if p.is_file() and not p.is_symlink())
    for path in sorted(removed):
        print(f"pruned {path.relative_to(bundle)}")
    print(f"pruned {len(removed)} files: {before / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
