"""The export: the archive written out as Markdown notes, HTML pages or the vendors' JSON, to
a folder that a later export updates in place. names (file names), notes (Markdown), pages
(HTML), vendor_json, writing (the run: which conversations, what changed, the files on
disk). "Export" here is what we write; the vendor's file people import is "an export" in
importing/.

This module only gathers what callers use.
"""

from desktop_importer.exporting.folder import ExportResult as ExportResult
from desktop_importer.exporting.names import file_name as file_name
from desktop_importer.exporting.names import safe_title as safe_title
from desktop_importer.exporting.writing import MANIFEST as MANIFEST
from desktop_importer.exporting.writing import UnknownToExport as UnknownToExport
from desktop_importer.exporting.writing import export as export
