"""`python -m desktop_importer` runs the same entry point as the installed command."""

from desktop_importer.launch import main

raise SystemExit(main())
