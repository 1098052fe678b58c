"""What a strict Content-Security-Policy (no 'unsafe-inline') would block in a rendered page."""

from html.parser import HTMLParser

# <script type="..."> values that browsers do not execute (e.g. json_script's data blocks).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.offences: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        script_type = (names.get("type") or "").lower()
        if tag == "script" and not names.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.offences.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.offences.append(f"<style> block at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.offences.append(f'style="" on <{tag}> at line {self.getpos()[0]}')
            elif name.startswith("on"):
                self.offences.append(f"{name}= handler on <{tag}> at line {self.getpos()[0]}")
            elif name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.offences.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def csp_inline_offences(html: str) -> list[str]:
    """Inline scripts, styles and handlers the portal's CSP blocks; an empty list is clean."""
    finder = _InlineFinder()
    finder.feed(html)
    return finder.offences
