"""The Qt layer: the only package that imports PySide6. It calls the service, never SQL."""
