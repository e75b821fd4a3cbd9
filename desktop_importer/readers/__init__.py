"""Reading an export's files: the path's checks and the ZIP's members (source.py), the
conversations array streamed item by item (json_stream.py), Deflate by ISA-L (inflate.py)."""
