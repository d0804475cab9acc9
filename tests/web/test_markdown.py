"""Markdown from people becomes safe HTML: formatting kept, script never."""

import pytest

from casedesk.web.markdown import render_markdown


def test_formatting_survives() -> None:
    html = render_markdown("**bold** and `code`\n\n- one\n- two")

    assert "<strong>bold</strong>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_links_keep_their_address_and_open_nothing() -> None:
    html = render_markdown("[advisory](https://example.com/a?b=1)")

    assert 'href="https://example.com/a?b=1"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onmouseover="alert(1)">x</a>',
        "<iframe src=https://example.com></iframe>",
    ],
    ids=["script", "img-onerror", "handler", "iframe"],
)
def test_raw_html_is_shown_as_text(source: str) -> None:
    html = render_markdown(source)

    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert '<a href="#"' not in html
    assert "onmouseover=" not in html or "&lt;a href" in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
    ],
    ids=["javascript", "mixed-case", "vbscript", "data", "autolink"],
)
def test_dangerous_link_schemes_lose_their_link(source: str) -> None:
    html = render_markdown(source).lower()

    assert 'href="javascript' not in html
    assert 'href="vbscript' not in html
    assert 'href="data' not in html


def test_nothing_renders_nothing() -> None:
    assert render_markdown(None) == ""
    assert render_markdown("") == ""


def test_bare_addresses_become_links() -> None:
    html = render_markdown("See https://nvd.nist.gov/vuln/detail/CVE-2023-4966 now")

    assert (
        '<a href="https://nvd.nist.gov/vuln/detail/CVE-2023-4966" '
        'rel="noopener noreferrer nofollow">'
        "https://nvd.nist.gov/vuln/detail/CVE-2023-4966</a>"
    ) in html


def test_bare_script_addresses_stay_text() -> None:
    html = render_markdown("javascript:alert(1) and vbscript:msgbox(1)")

    assert "<a" not in html
