"""The one rule for links, shared by the window and the export."""

from __future__ import annotations

import pytest

from desktop_importer.basics.markdown import is_safe_link


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("mailto:me@example.org", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("vbscript:x", False),
        ("relative/path", False),
        ("", False),
    ],
)
def test_only_web_and_mail_links_are_followed_or_kept(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


def test_an_image_is_a_link_that_names_it_in_the_window_and_in_the_export() -> None:
    from desktop_importer.basics.markdown import inert_images, inert_markdown

    text = "See ![a chart](https://example.org/w/File_(1).png) here"
    assert inert_images(text) == "See [image: a chart](https://example.org/w/File_(1).png) here"
    assert inert_markdown(text) == "See [a chart](https://example.org/w/File_(1).png) here"
