"""The frozen app's entry point: the same `main` as the installed command."""

from desktop_importer.launch import main

raise SystemExit(main())
