"""The files a ChatGPT message points at (image and audio parts, attachments, the images a
code run produced): what the import looks for among the export's files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_importer.basics import media
from desktop_importer.vendors.values import as_dict

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


def message_objects(conversation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each node id of a stored conversation's JSON to its message object."""
    return {
        key: node["message"]
        for key, node in as_dict(conversation.get("mapping")).items()
        if isinstance(node, dict) and isinstance(node.get("message"), dict)
    }


# -- the files messages point at ----------------------------------------------------------


def _pointer_parts(content: Mapping[str, Any]) -> Iterator[object]:
    parts = content.get("parts")
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, dict):
            continue
        kind = part.get("content_type")
        if kind in ("image_asset_pointer", "audio_asset_pointer"):
            yield part.get("asset_pointer")
        elif kind == "real_time_user_audio_video_asset_pointer":
            for key in ("audio_asset_pointer", "video_container_asset_pointer"):
                inner = part.get(key)
                if isinstance(inner, dict):
                    yield inner.get("asset_pointer")


def message_pointers(message: Mapping[str, Any]) -> list[str]:
    """The file ids one message points at, in order, each once: image and audio parts (also
    inside a live call's part), `metadata.attachments`, the images a code run produced."""
    found: list[str] = []
    content = message.get("content")
    if isinstance(content, dict):
        found += filter(None, map(media.asset_id, _pointer_parts(content)))
    metadata = message.get("metadata")
    attachments = metadata.get("attachments") if isinstance(metadata, dict) else None
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, dict) and (found_id := media.asset_id(attachment.get("id"))):
            found.append(found_id)
    if isinstance(metadata, dict) and "aggregate_result" in metadata:  # a code run's output
        found += filter(
            None, map(media.asset_id, (i.get("image_url") for i in execution_images(message)))
        )
    return list(dict.fromkeys(found))


def execution_images(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The images a Code Interpreter run produced (a chart, say): the `image` entries of its
    output's `metadata.aggregate_result.messages`, each with `image_url`, `width`,
    `height`."""
    metadata = message.get("metadata")
    result = metadata.get("aggregate_result") if isinstance(metadata, dict) else None
    produced = result.get("messages") if isinstance(result, dict) else None
    return [
        item
        for item in (produced if isinstance(produced, list) else ())
        if isinstance(item, dict)
        and item.get("message_type") == "image"
        and isinstance(item.get("image_url"), str)
    ]


def export_pointers(conversation: Mapping[str, Any]) -> set[str]:
    """Every file id the conversation's messages point at: what the import looks for in the
    export's files."""
    found: set[str] = set()
    for node in as_dict(conversation.get("mapping")).values():
        message = node.get("message") if isinstance(node, dict) else None
        if isinstance(message, dict):
            found.update(message_pointers(message))
    return found
