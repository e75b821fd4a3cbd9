"""The vendors: one module per assistant, each reading its export's conversations once.

A vendor module holds what is particular to that assistant's export: how to tell one of
its conversation objects (`looks_like`), the conversation read into a tree of messages
(`parse`), a stored conversation's message objects by node id (`message_objects`), one
message's typed blocks (`blocks`, the one interpretation of its content: the stored text,
the window's view and the export all derive from it) and the files messages point at
(`message_pointers`, `export_pointers`). `registry.py` is the one switch over them; `blocks.py`
is what they all read into (and all the window sees of them).
"""
