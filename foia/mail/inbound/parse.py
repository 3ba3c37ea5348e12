"""Decoding a received message as authorities really send it. Pure: bytes in, a ParsedMessage out.

1. Headers through the standard library's ``policy.default`` (RFC 2047 encoded words, RFC 2231
   parameters with continuations and charsets); a header too broken to parse is read raw.
2. Each text part is decoded with its declared charset (UTF-7 and KOI8-R included). When no
   charset is declared, the declared one fails, or a Western charset was declared for bytes that
   are really Serbian (windows-1250/1251, ISO-8859-2/5, KOI8-R), charset-normalizer decides among
   the charsets Serbian mail is written in.
3. HTML-only mail becomes plain text (scripts and styles dropped); the page shows text, never HTML.
4. Quoted history (">" lines, "-----Original Message-----", "Od: … Poslato:", "On … wrote:") is
   split off so the page can fold it away.
5. Attachments keep their original names for display; nested messages are kept as .eml; TNEF
   (winmail.dat) is unpacked with tnefparse, or kept as a file when it cannot be.
6. Delivery status notifications (multipart/report) and mailer-daemon mail are recognised as
   bounces with the Message-ID of the message that bounced; auto-replies are recognised by their
   headers (RFC 3834 Auto-Submitted, X-Autoreply, Outlook's OOF) and by their subject.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from charset_normalizer import from_bytes

# The charsets Serbian authorities write in, in the order charset-normalizer should try them.
SERBIAN_CHARSETS = ["utf_8", "cp1250", "cp1251", "iso8859_2", "iso8859_5", "koi8_r", "cp1252"]
# Declared charsets that are often a lie: mail clients label windows-1250/1251 text as these.
WESTERN = {"us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"}
# Characters that, in text decoded as a Western charset, betray Serbian bytes read wrongly.
MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0080-\u009f\u00a4\u00a6\u00a8\u00b4\u00b8\u00bc\u00be]")
NAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")

AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|"
    r"automatski odgovor|automatski odgovor|аутоматски одговор|odsutan|odsutna|"
    r"одсутан|одсутна|van kancelarije|ван канцеларије|abwesenheitsnotiz|autoreply)\b",
    re.IGNORECASE,
)
BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail delivery)", re.IGNORECASE)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|returned mail|delivery has failed|"
    r"mail delivery failed|nedostavljen|neisporu|isporuka nije uspela|недостављ)",
    re.IGNORECASE,
)
MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
QUOTE_START = re.compile(
    r"^(-{2,}\s*(original message|originalna poruka|izvorna poruka|оригинална порука|"
    r"forwarded message|prosleđena poruka|prosledjena poruka)\s*-{2,}"
    r"|_{10,}"
    r"|(from|od|шаље|од):\s.+\n(sent|date|poslato|poslano|datum|послато|датум):"
    r"|on .{4,200} wrote:"
    r"|.{0,200}\b(je napisao|je napisala|je napisao/la|је написао|је написала|написао/ла)\s*:"
    r"|>)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class ParsedAttachment:
    name: str  # the original name, for display
    content_type: str  # as declared
    data: bytes
    origin: str = "part"  # part | rfc822 | tnef


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    received_for: list[str] = field(default_factory=list)
    subject: str = ""
    date: dt.datetime | None = None
    text: str = ""
    quoted: str = ""
    from_html: bool = False
    charset_notes: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    is_bounce: bool = False
    bounced_message_ids: list[str] = field(default_factory=list)
    bounce_recipients: list[str] = field(default_factory=list)
    bounce_status: str = ""
    defects: list[str] = field(default_factory=list)

    @property
    def recipient_addresses(self) -> list[str]:
        """Every address the message was delivered to, in the order matching reads them."""
        seen: list[str] = []
        for address in (*self.to, *self.cc, *self.delivered_to, *self.received_for):
            if address and address not in seen:
                seen.append(address)
        return seen


def clean_text(value: str) -> str:
    """No NUL or other control characters (tabs and line ends stay) in anything we store."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header policy.default cannot parse: read it raw  # noqa: BLE001
        value = msg.get_all(name, failobj=[""])[0] if hasattr(msg, "get_all") else ""
    return clean_text(str(value or "")).strip()


def _all_headers(msg: Message, name: str) -> list[str]:
    try:
        values = msg.get_all(name) or []
    except Exception:  # noqa: BLE001
        return []
    return [clean_text(str(v)) for v in values]


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    out = []
    for value in _all_headers(msg, name):
        for display, address in getaddresses([value]):
            if "@" in address:
                out.append((display, address.strip().lower()))
    return out


def _message_ids(value: str) -> list[str]:
    return MESSAGE_ID.findall(value or "")


def _date(msg: Message) -> dt.datetime | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    if not (1990 <= parsed.year <= 2100):
        return None
    return parsed


# --- text ------------------------------------------------------------------------------------------


def _detect(data: bytes) -> str | None:
    best = from_bytes(data, cp_isolation=SERBIAN_CHARSETS).best()
    return best.encoding if best is not None else None


def decode_bytes(data: bytes, declared: str | None, notes: list[str]) -> str:
    """Text from bytes: the declared charset when it is right, else the detected one."""
    declared = (declared or "").lower().strip() or None
    if declared in ("unknown-8bit", "x-unknown", "x-user-defined", "default"):
        declared = None
    text = None
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            notes.append(f"declared {declared} does not decode")
            text = None
    if text is not None and not data.isascii():
        suspicious = declared in WESTERN and MOJIBAKE.search(text)
        if not suspicious:
            return text
    elif text is not None:
        return text
    if data.isascii():
        return data.decode("ascii")
    detected = _detect(data)
    if detected:
        try:
            decoded = data.decode(detected)
        except (LookupError, UnicodeDecodeError):
            decoded = None
        if decoded is not None:
            if detected.replace("_", "-") != (declared or "").replace("_", "-"):
                notes.append(f"declared {declared or 'nothing'}, read as {detected}")
            return decoded
    if text is not None:
        return text
    notes.append("undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.quote:
            data = "\n".join("> " + line for line in data.splitlines() if line.strip())
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Safe plain text from an HTML body: no tags, no scripts, entities resolved."""
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML: fall back to stripping tags
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_quoted(text: str) -> tuple[str, str]:
    """(the new text, the quoted history) — the history starts at the first quote marker."""
    match = QUOTE_START.search(text)
    if not match or not text[: match.start()].strip():
        return text.strip(), ""
    return text[: match.start()].rstrip(), text[match.start() :].strip()


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next (not for quotes
    or the signature separator)."""
    out: list[str] = []
    joining = False
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if line.startswith(" ") and not line.startswith(">"):
            line = line[1:]  # space-stuffing
        if joining and out:
            out[-1] += line
        else:
            out.append(line)
        joining = line.endswith(" ") and line != "-- " and not line.startswith(">")
        if joining and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


def _part_text(part: Message, notes: list[str]) -> str:
    data = part.get_payload(decode=True) or b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", "replace")
    text = clean_text(decode_bytes(data, part.get_content_charset(), notes))
    if part.get_content_type() == "text/plain" and (part.get_param("format") or "") == "flowed":
        text = unflow(text, delsp=(part.get_param("delsp") or "").lower() == "yes")
    return text


# --- attachments ------------------------------------------------------------------------------------


def display_name(name: str, fallback: str) -> str:
    name = NAME_UNSAFE.sub("_", clean_text(name or "")).strip(" ._") or fallback
    return name[-200:]


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter
        name = None
    if name is None:
        return ""
    if "=?" in name:  # RFC 2047 inside a quoted parameter: not standard, but Outlook does it
        from email.header import decode_header, make_header

        try:
            name = str(make_header(decode_header(name)))
        except Exception:  # noqa: BLE001 - keep the name as written
            return name
    return name


def _tnef(data: bytes, out: list[ParsedAttachment], notes: list[str]) -> bool:
    """Unpack winmail.dat; False when it cannot be (then it is kept as a file)."""
    try:
        from tnefparse import TNEF

        tnef = TNEF(data)
    except Exception:  # noqa: BLE001 - corrupt or unsupported TNEF
        notes.append("winmail.dat could not be unpacked; kept as a file")
        return False
    found = False
    for item in tnef.attachments:
        payload = item.data if isinstance(item.data, bytes) else bytes(item.data or b"")
        name = item.long_filename() if hasattr(item, "long_filename") else item.name
        if isinstance(name, bytes):
            name = name.decode("cp1250", "replace")
        out.append(
            ParsedAttachment(
                name=display_name(name or "", "winmail-attachment"),
                content_type="application/octet-stream",
                data=payload,
                origin="tnef",
            )
        )
        found = True
    return found


def _walk(
    part: Message,
    parsed: ParsedMessage,
    texts: list[str],
    htmls: list[str],
    top: bool,
) -> None:
    ctype = part.get_content_type()
    if part.is_multipart() and ctype != "message/rfc822":
        subtype = part.get_content_subtype()
        children = part.get_payload() or []
        if subtype == "alternative":
            plain = [c for c in children if c.get_content_type() == "text/plain"]
            html_parts = [c for c in children if c.get_content_type() == "text/html"]
            if plain:
                texts.append(_part_text(plain[-1], parsed.charset_notes))
            elif html_parts:
                htmls.append(_part_text(html_parts[-1], parsed.charset_notes))
            for child in children:
                if child.get_content_type() not in ("text/plain", "text/html"):
                    _walk(child, parsed, texts, htmls, top=False)
            return
        for child in children:
            _walk(child, parsed, texts, htmls, top=False)
        return
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    if ctype == "message/rfc822" or ctype == "message/global":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        try:
            data = inner.as_bytes(policy=policy.SMTP) if isinstance(inner, Message) else b""
        except Exception:  # noqa: BLE001
            data = bytes(part.get_payload(decode=True) or b"")
        subject = _header(inner, "Subject") if isinstance(inner, Message) else ""
        name = filename or (subject and f"{subject}.eml") or "message.eml"
        if not name.lower().endswith(".eml"):
            name += ".eml"
        parsed.attachments.append(
            ParsedAttachment(display_name(name, "message.eml"), ctype, data, "rfc822")
        )
        return
    if ctype in ("message/delivery-status", "text/rfc822-headers", "message/rfc822-headers"):
        return  # read by the bounce detection
    is_text_body = (
        ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
    )
    if is_text_body:
        target = texts if ctype == "text/plain" else htmls
        target.append(_part_text(part, parsed.charset_notes))
        return
    data = part.get_payload(decode=True) or b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", "replace")
    name = display_name(filename, "attachment")
    is_tnef = ctype == "application/ms-tnef" or name.lower() == "winmail.dat"
    if is_tnef and _tnef(data, parsed.attachments, parsed.charset_notes):
        return
    parsed.attachments.append(ParsedAttachment(name, ctype, data))


# --- bounces and auto-replies ----------------------------------------------------------------------


def _bounce(msg: Message, parsed: ParsedMessage) -> None:
    sender = parsed.from_address
    report = msg.get_content_type() == "multipart/report"
    by_sender = bool(BOUNCE_SENDER.match(sender)) or _header(msg, "Return-Path") in ("<>", "")
    by_subject = bool(BOUNCE_SUBJECT.search(parsed.subject))
    if not (report or (BOUNCE_SENDER.match(sender) and by_subject)):
        return
    if not report and not by_sender:
        return
    parsed.is_bounce = True
    ids: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in part.get_payload() or []:
                recipient = _header(block, "Final-Recipient") or _header(
                    block, "Original-Recipient"
                )
                if recipient:
                    parsed.bounce_recipients.append(recipient.split(";")[-1].strip().lower())
                status = _header(block, "Status")
                if status and not parsed.bounce_status:
                    parsed.bounce_status = status
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                ids += _message_ids(_header(inner, "Message-ID"))
            else:
                head = part.get_payload(decode=True) or b""
                found = re.search(rb"(?im)^message-id:\s*(<[^>]+>)", head)
                if found:
                    ids.append(found.group(1).decode("ascii", "replace"))
    if not ids:  # a mailer-daemon note that quotes the original headers in its text
        found = re.search(r"(?im)^\s*message-id:\s*(<[^>]+>)", parsed.text + "\n" + parsed.quoted)
        if found:
            ids.append(found.group(1))
    parsed.bounced_message_ids = list(dict.fromkeys(ids))


def _auto_reply(msg: Message, parsed: ParsedMessage) -> bool:
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"):
        return True
    if _header(msg, "Precedence").lower() in ("auto_reply", "auto-reply"):
        return True
    if "oof" in _header(msg, "X-MS-Exchange-Inbox-Rules-Loop").lower():
        return True
    if _header(msg, "X-Auto-Response-Suppress") and AUTO_SUBJECT.search(parsed.subject):
        return True
    return bool(AUTO_SUBJECT.search(parsed.subject))


# --- the whole message ------------------------------------------------------------------------------


def header_message_id(raw: bytes) -> str:
    """The Message-ID read from the header block alone (for de-duplication before parsing)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"(?im)^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]{3,900}>)", head)
    return found.group(1).decode("ascii", "replace").lower() if found else ""


def parse(raw: bytes) -> ParsedMessage:
    """Everything the tracker reads from a message. Never raises for a malformed message: what
    cannot be read is left empty and noted in ``defects``."""
    msg: EmailMessage = message_from_bytes(raw, policy=policy.default)
    parsed = ParsedMessage()
    parsed.defects = [type(d).__name__ for d in getattr(msg, "defects", [])][:20]
    parsed.message_id = (_message_ids(_header(msg, "Message-ID")) or [""])[0]
    parsed.in_reply_to = _message_ids(_header(msg, "In-Reply-To"))
    parsed.references = _message_ids(" ".join(_all_headers(msg, "References")))
    senders = _addresses(msg, "From") or _addresses(msg, "Sender")
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
        parsed.from_name = clean_text(parsed.from_name)[:200]
    parsed.to = [a for _, a in _addresses(msg, "To")]
    parsed.cc = [a for _, a in _addresses(msg, "Cc")]
    parsed.delivered_to = [
        a
        for name in ("Delivered-To", "X-Original-To", "Envelope-To")
        for _, a in _addresses(msg, name)
    ]
    for received in _all_headers(msg, "Received"):
        for address in re.findall(r"\bfor\s+<?([^\s<>;]+@[^\s<>;]+)>?", received, re.IGNORECASE):
            parsed.received_for.append(address.lower())
    parsed.subject = _header(msg, "Subject")[:900]
    parsed.date = _date(msg)
    texts: list[str] = []
    htmls: list[str] = []
    _walk(msg, parsed, texts, htmls, top=True)
    if texts and any(t.strip() for t in texts):
        body = "\n\n".join(t for t in texts if t.strip())
    elif htmls:
        body = "\n\n".join(html_to_text(h) for h in htmls)
        parsed.from_html = True
    else:
        body = ""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    parsed.text, parsed.quoted = split_quoted(body)
    _bounce(msg, parsed)
    parsed.is_auto_reply = not parsed.is_bounce and _auto_reply(msg, parsed)
    return parsed


def format_address(name: str, address: str) -> str:
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError):
        return address
