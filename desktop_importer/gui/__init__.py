"""The Qt layer: the only package that imports PySide6. It calls the service, never SQL.

The service layer is imported here, before any PySide6 module: PySide6 replaces
`__import__` and reads the source of every module imported after it, to see whether it
opts into `__feature__` (napari/napari#8584). Importing SQLAlchemy and the service after
PySide6 cost the window's start 70 ms for 320 modules.
"""

from desktop_importer import exporting, library  # noqa: F401
from desktop_importer.importing import service  # noqa: F401
from desktop_importer.upkeep import backup  # noqa: F401
