from wagtail.rich_text import expand_db_html

from wagtail_distmark.sanitizing import sanitize_rich_text


def test_scripts_event_handlers_and_javascript_urls_are_removed():
    dirty = (
        '<p onclick="steal()">Hello<script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
        "<style>body{}</style></p>"
    )
    clean = sanitize_rich_text(dirty)
    assert "script" not in clean
    assert "onclick" not in clean
    assert "onerror" not in clean
    assert "javascript:" not in clean
    assert "<img" not in clean
    assert "<style" not in clean
    assert clean.startswith("<p>Hello")


def test_wagtail_links_and_image_embeds_survive():
    source = (
        '<p><a linktype="page" id="3">our store</a> '
        '<a href="https://example.com/a?b=1">site</a></p>'
        '<embed embedtype="image" id="7" format="left" alt="Front window"/>'
    )
    assert sanitize_rich_text(source) == source


def test_embeds_keep_the_closing_slash_wagtail_expects(db):
    clean = sanitize_rich_text('<embed embedtype="image" id="999" format="left">')
    assert clean == '<embed embedtype="image" id="999" format="left"/>'
    # Wagtail recognises it as an embed (a missing image renders as nothing).
    assert "embed" not in expand_db_html(clean)


def test_empty_values_stay_empty():
    assert sanitize_rich_text("") == ""
    assert sanitize_rich_text(None) == ""
