"""Build the .deb and the .tar.gz from a pruned PyInstaller bundle, and check the budgets.

    python packaging/linux/build_deb.py build/dist/desktop-importer dist/

The bundle goes to /opt/desktop-importer, with /usr/bin/desktop-importer, a .desktop entry
("Open with" for ZIP files, never the default handler), hicolor icons, AppStream metainfo,
copyright and changelog. Depends: is computed by dpkg-shlibdeps from every ELF file's
needs that the bundle does not satisfy itself. Budgets (issue #7): installed size at most
130 MiB and the .deb at most 40 MB, with 5 % tolerance before the build fails.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "desktop-importer"
MAINTAINER = "Desktop Importer developers <desktop-importer@users.noreply.github.com>"
# Issue #27: the MCP server's official SDK costs about 11.6 MB of the .deb (24 MiB
# installed): the SDK imports, whatever the transport, cryptography (its request-state
# codec: a 12 MiB Rust core), pydantic-core, and its HTTP stack (starlette, uvicorn, httpx2).
# Measured at 35.2 MB before it and 46.8 MB with it; the budgets grow by that, no more.
INSTALLED_BUDGET = 145 * 2**20
DEB_BUDGET = 49 * 10**6
TOLERANCE = 1.05
# Chats hold Chinese, Japanese and Korean text, which Qt draws with the system's fonts
# through fontconfig: a Debian without a CJK font showed it as boxes (the reader, the list,
# search results). Recommended rather than depended on: a desktop usually has one already.
RECOMMENDS = "fonts-noto-cjk"
DESCRIPTION = """\
private, searchable archive of your AI chat exports
 Drop the export of ChatGPT, Claude, DeepSeek, Grok, Gemini (Google Takeout) or
 Le Chat on the window, or use the
 desktop-importer command, and every conversation is kept in a private SQLite
 archive on this computer: searchable, readable branch by branch, and kept up
 to date by importing newer exports. Nothing is uploaded."""


def version() -> str:
    text = (ROOT / "desktop_importer" / "__init__.py").read_text()
    found = re.search(r'__version__ = "(.+?)"', text)
    assert found
    return found.group(1)


def run(*command: str, cwd: Path | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def install(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def gzipped(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(source.read_bytes(), 9, mtime=0))
    target.chmod(0o644)


def stage(bundle: Path, tree: Path) -> None:
    opt = tree / "opt" / NAME
    shutil.copytree(bundle, opt, symlinks=True)
    for path in opt.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.name == NAME and path.parent == opt else 0o644)
    for library in opt.rglob("*.so*"):
        if library.is_file() and not library.is_symlink():
            library.chmod(0o644)
    (tree / "usr" / "bin").mkdir(parents=True)
    (tree / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    resources = ROOT / "resources"
    share = tree / "usr" / "share"
    install(resources / f"{NAME}.desktop", share / "applications" / f"{NAME}.desktop")
    install(resources / f"{NAME}.metainfo.xml", share / "metainfo" / f"{NAME}.metainfo.xml")
    install(
        resources / f"{NAME}.svg", share / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    )
    for png in (resources / "icons" / "hicolor").glob("*/apps/*.png"):
        install(png, share / "icons" / "hicolor" / png.relative_to(resources / "icons" / "hicolor"))
    doc = share / "doc" / NAME
    install(ROOT / "packaging" / "linux" / "copyright", doc / "copyright")
    gzipped(ROOT / "packaging" / "linux" / "changelog", doc / "changelog.gz")
    gzipped(ROOT / "packaging" / "linux" / f"{NAME}.1", share / "man" / "man1" / f"{NAME}.1.gz")
    overrides = ROOT / "packaging" / "linux" / "lintian-overrides"
    install(overrides, share / "lintian" / "overrides" / NAME)
    for folder in [tree, *[p for p in tree.rglob("*") if p.is_dir() and not p.is_symlink()]]:
        folder.chmod(0o755)


def depends(tree: Path) -> str:
    """dpkg-shlibdeps over every ELF file; the bundle's own folders count as private."""
    elves = [str(p) for p in tree.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    private = sorted({str(Path(p).parent) for p in elves})
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "debian").mkdir()
        (Path(work) / "debian" / "control").write_text(
            f"Source: {NAME}\n\nPackage: {NAME}\nArchitecture: any\n"
        )
        out = run(
            "dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=1",
            *[f"-l{d}" for d in private], *elves, cwd=Path(work),
        )  # fmt: skip
    found = re.search(r"shlibs:Depends=(.*)", out)
    if not found:
        raise SystemExit(f"dpkg-shlibdeps found no dependencies:\n{out}")
    return found.group(1).strip()


def size_of(tree: Path) -> int:
    return sum(p.lstat().st_size for p in tree.rglob("*") if p.is_file() or p.is_symlink())


def build(bundle: Path, out: Path) -> int:
    ver, arch = version(), run("dpkg", "--print-architecture").strip()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        stage(bundle, tree)
        installed = size_of(tree)
        control = tree / "DEBIAN" / "control"
        control.parent.mkdir(mode=0o755)
        control.write_text(
            f"Package: {NAME}\nVersion: {ver}\nArchitecture: {arch}\nMaintainer: {MAINTAINER}\n"
            f"Installed-Size: {installed // 1024}\nDepends: {depends(tree)}\n"
            f"Recommends: {RECOMMENDS}\n"
            f"Section: utils\nPriority: optional\nDescription: {DESCRIPTION}\n"
        )
        control.chmod(0o644)
        deb = out / f"{NAME}_{ver}_{arch}.deb"
        run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(tree), str(deb))
    tarball = out / f"{NAME}-{ver}-linux-{arch}.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(bundle, arcname=f"{NAME}-{ver}")
    deb_size = deb.stat().st_size
    print(run("dpkg-deb", "--field", str(deb), "Depends", "Recommends").strip())
    print(f"installed size {installed / 2**20:.1f} MiB (budget {INSTALLED_BUDGET / 2**20:.0f} MiB)")
    print(f".deb {deb_size / 1e6:.1f} MB (budget {DEB_BUDGET / 1e6:.0f} MB): {deb}")
    print(f".tar.gz {tarball.stat().st_size / 1e6:.1f} MB: {tarball}")
    over = [
        what
        for what, size, budget in (
            ("installed size", installed, INSTALLED_BUDGET),
            (".deb", deb_size, DEB_BUDGET),
        )
        if size > budget * TOLERANCE
    ]
    for what in over:
        print(f"over budget by more than 5 %: {what}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    os.umask(0o022)
    raise SystemExit(build(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
