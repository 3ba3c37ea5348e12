"""Text that may go into XML 1.0.

XML 1.0 forbids most C0 control characters (Word's soft line break ``\\x0b`` among them), lone
surrogates and U+FFFE/U+FFFF; one of them in a stored answer made the whole feed unserialisable.
``xml_text`` replaces each with a space (a line or page break then still separates the words).
Every text that reaches an XML document passes through it: ``SafeAtom1Feed`` does so for feeds.
"""

from __future__ import annotations

import re

from django.utils.feedgenerator import Atom1Feed

# Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _FORBIDDEN.sub(" ", value)


def _clean(value):
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


class SafeAtom1Feed(Atom1Feed):
    """Atom with every text made XML-safe, and summaries as plain text.

    Django writes ``<summary type="html">`` with the text escaped once, which a feed reader
    decodes back into markup: a stored ``<img onerror=…>`` would run there. Our summaries are
    plain text, so they are declared ``type="text"``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*[_clean(a) for a in args], **{k: _clean(v) for k, v in kwargs.items()})

    def add_item_elements(self, handler, item):
        description = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if description is not None:
            handler.addQuickElement("summary", description, {"type": "text"})
