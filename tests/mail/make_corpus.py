"""Build tests/mail/corpus/*.eml: messages as Serbian authorities really send them.

Run: ``.venv/bin/python tests/mail/make_corpus.py`` (rewrites the corpus; the output is
deterministic). Each message is written byte by byte, the way the client named in its file name
writes it (Outlook/Exchange, webmail, scanners, Postfix, Thunderbird), so the corpus keeps the
quirks a composing library would clean up: mislabelled charsets, 8-bit bodies without a charset,
RFC 2047 words inside quoted parameters, RFC 2231 continuations, TNEF.

Reply addresses are computed with ``CORPUS_SECRET`` for the requests the tests create with fixed
ids (``CORPUS_REQUESTS`` below); the tests set ``MAIL_SECRET`` to the same value.
"""

from __future__ import annotations

import base64
import io
import os
import quopri
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
CORPUS_SECRET = "corpus-secret-for-the-inbound-tests-0123456789"
MAIL_DOMAIN = "foi.localhost"

# id: (authority name, authority e-mail, our reference)
CORPUS_REQUESTS = {
    9101: ("Grad Novi Sad", "pisarnica@novisad.rs", "SHARE-2026-101"),
    9102: ("Ministarstvo unutrašnjih poslova", "info@mup.gov.rs", "SHARE-2026-102"),
    9103: ("Opština Čačak", "opstina@cacak.org.rs", "SHARE-2026-103"),
    9104: ("Ministarstvo zdravlja", "kabinet@zdravlje.gov.rs", "SHARE-2026-104"),
    9105: ("Grad Niš", "gradonacelnik@ni.rs", "SHARE-2026-105"),
}
# Message-IDs of what "we sent" (the tests create these OutgoingMessage rows).
SENT_IDS = {
    9101: "<req-9101.1@foi.localhost>",
    9104: "<req-9104.1@foi.localhost>",
    9105: "<req-9105.1@foi.localhost>",
}
NGO_INBOX = "info@sharefoundation.info"


def reply(request_id: int, appeal: bool = False) -> str:
    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["MAIL_SECRET"] = CORPUS_SECRET
    os.environ["MAIL_DOMAIN"] = MAIL_DOMAIN
    import django

    django.setup()
    from foia.mail.addresses import APPEAL_THREAD, REQUEST_THREAD, thread_address

    return thread_address(request_id, APPEAL_THREAD if appeal else REQUEST_THREAD)


PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document>Odgovor</w:document>")
    return buffer.getvalue()


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal TNEF stream (MS-OXTNEF) with the given attachments, as Exchange writes it."""

    def attr(level: int, ident: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BII", level, ident, len(data)) + data + struct.pack("<H", checksum)

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attr(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attr(1, 0x00069007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for name, data in files:
        out += attr(2, 0x00069002, b"\x01\x00\x00\x00" + b"\x00" * 10)  # attAttachRendData
        out += attr(2, 0x00018010, name.encode("cp1250") + b"\x00")  # attAttachTitle
        out += attr(2, 0x0006800F, data)  # attAttachData
    return out


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data)


def head(**fields: str) -> list[tuple[str, str]]:
    return [(k.replace("_", "-"), v) for k, v in fields.items()]


def message(headers: list[tuple[str, str]], body: bytes, crlf: bool = False) -> bytes:
    lines = []
    for name, value in headers:
        lines.append(f"{name}: {value}".encode("utf-8", "surrogateescape"))
    out = b"\n".join(lines) + b"\n\n" + body
    return out.replace(b"\n", b"\r\n") if crlf else out


def part(ctype: str, body: bytes, **params: str) -> bytes:
    headers = [f"Content-Type: {ctype}"]
    headers += [f"{k.replace('_', '-')}: {v}" for k, v in params.items()]
    return ("\n".join(headers)).encode() + b"\n\n" + body


def multipart(subtype: str, boundary: str, parts: list[bytes], preamble: bytes = b"") -> bytes:
    out = preamble
    for p in parts:
        out += b"--" + boundary.encode() + b"\n" + p.rstrip(b"\n") + b"\n"
    return out + b"--" + boundary.encode() + b"--\n"


def received(by: str, for_: str, when: str) -> str:
    return f"from mail.gov.rs (mail.gov.rs [195.178.56.10])\n\tby {by} (Postfix) with ESMTPS id 4XyZ1\n\tfor <{for_}>; {when}"


def build() -> dict[str, bytes]:
    R = {i: reply(i) for i in CORPUS_REQUESTS}
    RA3 = reply(9103, appeal=True)
    mails: dict[str, bytes] = {}

    # 01 Outlook, Latin in windows-1250, quoted-printable, a PDF decision with an RFC 2047 name.
    text = (
        "Poštovani,\n\nU prilogu Vam dostavljamo Rešenje broj 037-12/2026 o Vašem zahtevu za "
        "slobodan pristup informacijama od javnog značaja.\n\nS poštovanjem,\nĐorđe Živković\n"
        "Gradska uprava za opšte i zajedničke poslove\n"
    )
    html = (
        "<html><body><p>"
        + text.replace("\n\n", "</p><p>").replace("\n", "<br>")
        + "</p></body></html>"
    )
    alt = multipart(
        "alternative",
        "_001_alt_",
        [
            part(
                'text/plain; charset="windows-1250"',
                qp(text.encode("cp1250")),
                Content_Transfer_Encoding="quoted-printable",
            ),
            part(
                'text/html; charset="windows-1250"',
                qp(html.encode("cp1250")),
                Content_Transfer_Encoding="quoted-printable",
            ),
        ],
    )
    mails["01-outlook-cp1250-decision-pdf.eml"] = message(
        head(
            Received=received("mx.foi.localhost", R[9101], "Mon, 23 Nov 2026 10:15:02 +0100"),
            From='"Pisarnica Grada Novog Sada" <pisarnica@novisad.rs>',
            To=f'"SHARE Foundation" <{R[9101]}>',
            Subject="=?windows-1250?Q?Re=9Aenje_po_zahtevu_SHARE-2026-101?=",
            Date="Mon, 23 Nov 2026 10:14:55 +0100",
            Message_ID="<DB9PR0401MB2345.eurprd04.prod.outlook.com@novisad.rs>",
            In_Reply_To=SENT_IDS[9101],
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="_002_mixed_"',
            X_MS_Has_Attach="yes",
        ),
        multipart(
            "mixed",
            "_002_mixed_",
            [
                part('multipart/alternative; boundary="_001_alt_"', alt),
                part(
                    'application/pdf; name="=?windows-1250?Q?Re=9Aenje_037-12-2026.pdf?="',
                    b64(PDF),
                    Content_Disposition='attachment; filename="=?windows-1250?Q?Re=9Aenje_037-12-2026.pdf?="',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
        crlf=True,
    )

    # 02 Exchange with winmail.dat (TNEF) holding a PDF and a scan.
    mails["02-exchange-winmail-dat.eml"] = message(
        head(
            From="Kabinet ministra <kabinet@zdravlje.gov.rs>",
            To=R[9104],
            Subject="Odgovor na zahtev SHARE-2026-104",
            Date="Tue, 24 Nov 2026 08:01:12 +0100",
            Message_ID="<AM0PR01MB5555@zdravlje.gov.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="tnef_boundary"',
            X_MS_TNEF_Correlator="<AM0PR01MB5555@zdravlje.gov.rs>",
        ),
        multipart(
            "mixed",
            "tnef_boundary",
            [
                part('text/plain; charset="us-ascii"', b"Postovani,\n\nodgovor je u prilogu.\n"),
                part(
                    'application/ms-tnef; name="winmail.dat"',
                    b64(tnef([("Odgovor_104.pdf", PDF), ("Skenirano.jpg", JPEG)])),
                    Content_Disposition='attachment; filename="winmail.dat"',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )

    # 03 Webmail (Gmail-like), Cyrillic UTF-8, base64 body, no Message-ID in our duplicate test.
    body = "Поштовани,\n\nОбавештавамо вас да је захтев примљен и да ће одговор бити достављен у законском року.\n\nСрдачан поздрав,\nОпштинска управа Чачак\n"
    mails["03-webmail-utf8-cyrillic.eml"] = message(
        head(
            From="=?UTF-8?B?0J7Qv9GI0YLQuNC90LAg0KfQsNGH0LDQug==?= <opstina@cacak.org.rs>",
            To=R[9103],
            Subject="=?UTF-8?B?0J7QtNCz0L7QstC+0YAg0L3QsCDQt9Cw0YXRgtC10LI=?=",
            Date="Wed, 25 Nov 2026 13:44:00 +0100",
            Message_ID="<CAF=webmail-03@mail.gmail.com>",
            MIME_Version="1.0",
            Content_Type='text/plain; charset="UTF-8"',
            Content_Transfer_Encoding="base64",
        ),
        b64(body.encode()),
    )

    # 04 A scanned answer: the scanner's address, nothing but a PDF.
    mails["04-scanner-pdf-only.eml"] = message(
        head(
            From="scan@novisad.rs",
            To=R[9101],
            Subject="Scanned from a Xerox Multifunction Printer",
            Date="Thu, 26 Nov 2026 09:00:00 +0100",
            Message_ID="<20261126090000.xerox.4411@novisad.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="xerox"',
        ),
        multipart(
            "mixed",
            "xerox",
            [
                part(
                    "text/plain; charset=us-ascii",
                    b"Please open the attached document. It was scanned and sent to you using a Xerox multifunction printer.\n",
                ),
                part(
                    'application/pdf; name="Scan_0001.pdf"',
                    b64(PDF),
                    Content_Disposition='attachment; filename="Scan_0001.pdf"',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )

    cyr = "Поштовани,\n\nУ складу са чланом 16. Закона, обавештавамо вас да се рок продужава за 40 дана.\n\nМинистарство унутрашњих послова\n"
    lat = "Poštovani,\n\nU skladu sa članom 16. Zakona, obaveštavamo vas da se rok produžava. Đurđevdan, čađ, šećer, žuč.\n\nMinistarstvo unutrašnjih poslova\n"
    for number, charset, codec, text_, cte in (
        ("05", "windows-1251", "cp1251", cyr, "8bit"),
        ("06", "ISO-8859-5", "iso8859_5", cyr, "8bit"),
        (
            "07",
            "KOI8-R",
            "koi8_r",
            cyr.replace("ј", "й")
            .replace("Ј", "Й")
            .replace("љ", "ль")
            .replace("њ", "нь")
            .replace("ћ", "ч")
            .replace("ђ", "дж")
            .replace("џ", "дж"),
            "8bit",
        ),
        ("08", "ISO-8859-2", "iso8859_2", lat, "quoted-printable"),
        ("09", "UTF-7", "utf_7", cyr, "7bit"),
    ):
        data = text_.encode(codec)
        if cte == "quoted-printable":
            data = qp(data)
        mails[f"{number}-charset-{charset.lower()}.eml"] = message(
            head(
                From="Ministarstvo unutrasnjih poslova <info@mup.gov.rs>",
                To=R[9102],
                Subject=f"Obavestenje o produzenju roka ({charset})",
                Date="Fri, 27 Nov 2026 11:00:00 +0100",
                Message_ID=f"<charset-{number}@mup.gov.rs>",
                MIME_Version="1.0",
                Content_Type=f"text/plain; charset={charset}",
                Content_Transfer_Encoding=cte,
            ),
            data,
        )

    # 10 Declared ISO-8859-1, really windows-1250 (Latin with č ć š ž đ).
    mails["10-mislabelled-latin1-is-cp1250.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Dopuna odgovora",
            Date="Fri, 27 Nov 2026 12:00:00 +0100",
            Message_ID="<mislabel-10@novisad.rs>",
            MIME_Version="1.0",
            Content_Type="text/plain; charset=iso-8859-1",
            Content_Transfer_Encoding="8bit",
        ),
        (
            "Poštovani, dostavljamo dopunu odgovora. Molimo da nam se obratite ukoliko vam je potrebno još informacija o broju kamera, čuvanju snimaka i pristupu. Đorđe Čolić, šef odseka za žalbe i prigovore.\n"
            * 2
        ).encode("cp1250"),
    )
    # 11 Declared US-ASCII, really windows-1251 Cyrillic.
    mails["11-mislabelled-ascii-is-cp1251.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=R[9102],
            Subject="Odgovor",
            Date="Fri, 27 Nov 2026 12:30:00 +0100",
            Message_ID="<mislabel-11@mup.gov.rs>",
            MIME_Version="1.0",
            Content_Type="text/plain; charset=us-ascii",
        ),
        (
            "Поштовани, министарство не поседује тражене информације о броју камера за препознавање лица и о уговорима са добављачима опреме. Захтев је прослеђен Поверенику.\n"
            * 2
        ).encode("cp1251"),
    )
    # 12 8-bit windows-1250 body with no charset at all (an old Outlook Express).
    mails["12-no-charset-cp1250.eml"] = message(
        head(
            From="Opstina Cacak <opstina@cacak.org.rs>",
            To=R[9103],
            Subject="Zakljucak",
            Date="Fri, 27 Nov 2026 13:00:00 +0100",
            Message_ID="<nocharset-12@cacak.org.rs>",
            MIME_Version="1.0",
            Content_Type="text/plain",
            Content_Transfer_Encoding="8bit",
        ),
        (
            "Poštovani, zaključkom se odbacuje Vaš zahtev jer nije uređen u roku. Obrazloženje: tražioc nije precizirao period. Uputstvo o pravnom sredstvu: žalba Povereniku u roku od 15 dana.\n"
            * 2
        ).encode("cp1250"),
    )
    # 13 RFC 2231 file name, Cyrillic, in continuations.
    mails["13-rfc2231-cyrillic-filename.eml"] = message(
        head(
            From="Grad Nis <gradonacelnik@ni.rs>",
            To=R[9105],
            Subject="Resenje",
            Date="Sat, 28 Nov 2026 10:00:00 +0100",
            Message_ID="<rfc2231-13@ni.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="b13"',
        ),
        multipart(
            "mixed",
            "b13",
            [
                part(
                    "text/plain; charset=utf-8",
                    "Решење у прилогу.\n".encode(),
                    Content_Transfer_Encoding="8bit",
                ),
                part(
                    "application/pdf",
                    b64(PDF),
                    Content_Disposition=(
                        "attachment;\n filename*0*=utf-8''%D0%A0%D0%B5%D1%88%D0%B5%D1%9A%D0%B5%20%D0%BE%20;"
                        "\n filename*1*=%D0%BE%D0%B4%D0%B1%D0%B8%D1%98%D0%B0%D1%9A%D1%83%20%E2%84%96%2012.pdf"
                    ),
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )
    # 14 RFC 2047 subjects: Cyrillic base64 folded over two words, Latin Q-encoded sender.
    mails["14-rfc2047-headers.eml"] = message(
        head(
            From="=?iso-8859-2?Q?Slu=BEba_za_odnose_sa_javno=B9=E6u?= <info@mup.gov.rs>",
            To=R[9102],
            Subject="=?UTF-8?B?0J7QtNCz0L7QstC+0YAg0L3QsCDQt9Cw0YXRgtC10LIg0LfQsCDQv9GA0LjRgdGC0YPQvyA=?=\n =?UTF-8?B?0LjQvdGE0L7RgNC80LDRhtC40ZjQsNC80LA=?=",
            Date="Sat, 28 Nov 2026 11:00:00 +0100",
            Message_ID="<rfc2047-14@mup.gov.rs>",
            MIME_Version="1.0",
            Content_Type="text/plain; charset=utf-8",
            Content_Transfer_Encoding="quoted-printable",
        ),
        qp("Одговор је у тексту поруке: министарство поседује 1.200 камера.\n".encode()),
    )
    # 15 HTML only, with a script, a style, a table and entities.
    mails["15-html-only.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Odgovor (HTML)",
            Date="Sat, 28 Nov 2026 12:00:00 +0100",
            Message_ID="<html-15@novisad.rs>",
            MIME_Version="1.0",
            Content_Type="text/html; charset=utf-8",
            Content_Transfer_Encoding="8bit",
        ),
        (
            b"<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
            b"<p>Po&scaron;tovani,</p><p>Broj kamera po lokacijama:</p><table><tr><td>Centar</td>"
            b"<td>24</td></tr><tr><td>Liman</td><td>12</td></tr></table>"
            b"<p><img src=x onerror=alert(1)>S po&scaron;tovanjem,<br>Grad Novi Sad</p></body></html>\n"
        ),
    )
    # 16 HTML only in windows-1251.
    mails["16-html-only-cp1251.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=R[9102],
            Subject="Odgovor",
            Date="Sat, 28 Nov 2026 12:30:00 +0100",
            Message_ID="<html-16@mup.gov.rs>",
            MIME_Version="1.0",
            Content_Type="text/html; charset=windows-1251",
        ),
        "<html><body><div>Поштовани,</div><div>тражене информације налазе се у прилогу.</div><blockquote>Захтев за слободан приступ</blockquote></body></html>\n".encode(
            "cp1251"
        ),
    )
    # 17 Postfix bounce (multipart/report DSN with the original message).
    original = message(
        head(
            From='"SHARE Foundation" <noreply@foi.localhost>',
            To="kabinet@zdravlje.gov.rs",
            Reply_To=R[9104],
            Subject="Zahtev za slobodan pristup informacijama",
            Date="Mon, 16 Nov 2026 09:00:00 +0100",
            Message_ID=SENT_IDS[9104],
            MIME_Version="1.0",
            Content_Type="text/plain; charset=utf-8",
        ),
        "Zahtev za pristup informacijama od javnog značaja.\n".encode(),
    )
    mails["17-postfix-bounce-dsn.eml"] = message(
        head(
            Return_Path="<>",
            From="MAILER-DAEMON@mx.foi.localhost (Mail Delivery System)",
            To="noreply@foi.localhost",
            Subject="Undelivered Mail Returned to Sender",
            Date="Mon, 16 Nov 2026 09:00:05 +0100",
            Message_ID="<20261116080005.1A2B3C@mx.foi.localhost>",
            Auto_Submitted="auto-replied",
            MIME_Version="1.0",
            Content_Type='multipart/report; report-type=delivery-status; boundary="dsn17"',
        ),
        multipart(
            "report",
            "dsn17",
            [
                part(
                    "text/plain; charset=us-ascii",
                    b"This is the mail system at host mx.foi.localhost.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<kabinet@zdravlje.gov.rs>: host mail.zdravlje.gov.rs said: 550 5.1.1 User unknown\n",
                    Content_Description="Notification",
                ),
                part(
                    "message/delivery-status",
                    b"Reporting-MTA: dns; mx.foi.localhost\n\nFinal-Recipient: rfc822; kabinet@zdravlje.gov.rs\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n",
                    Content_Description="Delivery report",
                ),
                part("message/rfc822", original, Content_Description="Undelivered Message"),
            ],
        ),
    )
    # 18 Exchange NDR: multipart/report with text/rfc822-headers only.
    mails["18-exchange-ndr.eml"] = message(
        head(
            From="postmaster@zdravlje.gov.rs",
            To="noreply@foi.localhost",
            Subject="Undeliverable: Zahtev za slobodan pristup informacijama",
            Date="Mon, 16 Nov 2026 09:01:00 +0100",
            Message_ID="<ndr-18@zdravlje.gov.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/report; report-type=delivery-status; boundary="ndr18"',
            X_MS_Exchange_Message_Is_Ndr="",
        ),
        multipart(
            "report",
            "ndr18",
            [
                part(
                    "text/plain; charset=utf-8",
                    b"Delivery has failed to these recipients or groups:\n\nkabinet@zdravlje.gov.rs\nThe mailbox is full.\n",
                ),
                part(
                    "message/delivery-status",
                    b"Reporting-MTA: dns;mail.zdravlje.gov.rs\n\nFinal-recipient: RFC822; kabinet@zdravlje.gov.rs\nAction: failed\nStatus: 5.2.2\n",
                ),
                part(
                    "text/rfc822-headers",
                    f"From: noreply@foi.localhost\nTo: kabinet@zdravlje.gov.rs\nMessage-ID: {SENT_IDS[9104]}\nSubject: Zahtev\n".encode(),
                ),
            ],
        ),
    )
    # 19 A mailer-daemon note without a report, quoting the headers in its text.
    mails["19-mailer-daemon-plain.eml"] = message(
        head(
            From="Mail Delivery Subsystem <MAILER-DAEMON@mail.ni.rs>",
            To="noreply@foi.localhost",
            Subject="Returned mail: see transcript for details",
            Date="Tue, 17 Nov 2026 10:00:00 +0100",
            Message_ID="<md-19@mail.ni.rs>",
            Content_Type="text/plain; charset=us-ascii",
        ),
        f"The original message was received at Tue, 17 Nov 2026\n\n   ----- The following addresses had permanent fatal errors -----\n<gradonacelnik@ni.rs>\n\n   ----- Original message headers -----\nMessage-ID: {SENT_IDS[9105]}\nSubject: Zahtev\n".encode(),
    )
    # 20-22 Out-of-office replies.
    mails["20-ooo-serbian-auto-submitted.eml"] = message(
        head(
            From="Jelena Petrovic <pisarnica@novisad.rs>",
            To=R[9101],
            Subject="Automatski odgovor: Zahtev za slobodan pristup informacijama",
            Date="Mon, 16 Nov 2026 09:00:10 +0100",
            Message_ID="<ooo-20@novisad.rs>",
            Auto_Submitted="auto-replied",
            MIME_Version="1.0",
            Content_Type="text/plain; charset=utf-8",
            Content_Transfer_Encoding="8bit",
        ),
        "Poštovani, odsutna sam do 30.11.2026. Za hitne slučajeve obratite se pisarnici.\n".encode(),
    )
    mails["21-ooo-english-outlook.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=R[9102],
            Subject="Automatic reply: Request for information",
            Date="Mon, 16 Nov 2026 09:00:20 +0100",
            Message_ID="<ooo-21@mup.gov.rs>",
            X_Auto_Response_Suppress="All",
            X_MS_Exchange_Inbox_Rules_Loop="info@mup.gov.rs",
            Content_Type="text/plain; charset=us-ascii",
        ),
        b"I am out of the office until Monday with limited access to e-mail.\n",
    )
    mails["22-ooo-cyrillic-subject.eml"] = message(
        head(
            From="opstina@cacak.org.rs",
            To=R[9103],
            Subject="=?UTF-8?B?0JDRg9GC0L7QvNCw0YLRgdC60Lgg0L7QtNCz0L7QstC+0YA6INCX0LDRhdGC0LXQsg==?=",
            Date="Mon, 16 Nov 2026 09:00:30 +0100",
            Message_ID="<ooo-22@cacak.org.rs>",
            Content_Type="text/plain; charset=utf-8",
            Content_Transfer_Encoding="8bit",
        ),
        "Одсутан сам до 1. децембра.\n".encode(),
    )
    # 23-26 The reply address only in Cc, Received "for", Delivered-To, X-Original-To.
    common = dict(
        MIME_Version="1.0",
        Content_Type="text/plain; charset=utf-8",
        Content_Transfer_Encoding="8bit",
    )
    mails["23-reply-address-only-in-cc.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=NGO_INBOX,
            Cc=R[9101],
            Subject="Odgovor",
            Date="Tue, 24 Nov 2026 10:00:00 +0100",
            Message_ID="<cc-23@novisad.rs>",
            **common,
        ),
        "Odgovor na Vaš zahtev je u telu poruke: grad ima 40 kamera.\n".encode(),
    )
    mails["24-reply-address-only-in-received.eml"] = message(
        head(
            Received=received("mx.foi.localhost", R[9102], "Tue, 24 Nov 2026 10:05:00 +0100"),
            From="info@mup.gov.rs",
            To="undisclosed-recipients:;",
            Subject="Odgovor",
            Date="Tue, 24 Nov 2026 10:04:00 +0100",
            Message_ID="<rcvd-24@mup.gov.rs>",
            **common,
        ),
        "Odgovor je poslat svim tražiocima u kopiji.\n".encode(),
    )
    mails["25-reply-address-only-in-delivered-to.eml"] = message(
        head(
            Delivered_To=R[9103],
            From="opstina@cacak.org.rs",
            To="Tražioci <list@cacak.org.rs>",
            Subject="Obavestenje",
            Date="Tue, 24 Nov 2026 10:10:00 +0100",
            Message_ID="<dt-25@cacak.org.rs>",
            **common,
        ),
        "Obaveštenje o posedovanju informacija.\n".encode(),
    )
    mails["26-reply-address-only-in-x-original-to.eml"] = message(
        head(
            X_Original_To=R[9104],
            From="kabinet@zdravlje.gov.rs",
            To="alias@foi.localhost",
            Subject="Zaključak",
            Date="Tue, 24 Nov 2026 10:15:00 +0100",
            Message_ID="<xot-26@zdravlje.gov.rs>",
            **common,
        ),
        "Zaključak o ispravci zahteva: dopunite zahtev u roku od 8 dana.\n".encode(),
    )
    # 27 Matched by the thread only (answer to our Message-ID, sent to the NGO's general inbox).
    mails["27-thread-in-reply-to-only.eml"] = message(
        head(
            From="gradonacelnik@ni.rs",
            To=NGO_INBOX,
            Subject="RE: Zahtev",
            Date="Wed, 25 Nov 2026 09:00:00 +0100",
            Message_ID="<thread-27@ni.rs>",
            In_Reply_To=SENT_IDS[9105],
            References=SENT_IDS[9105],
            **common,
        ),
        "Informacije ćemo dostaviti poštom.\n".encode(),
    )
    # 28 Matched by the authority's address and our reference in the subject.
    mails["28-reference-in-subject.eml"] = message(
        head(
            From="Opština Čačak <opstina@cacak.org.rs>",
            To=NGO_INBOX,
            Subject="Odgovor na zahtev br. SHARE-2026-103",
            Date="Wed, 25 Nov 2026 10:00:00 +0100",
            Message_ID="<ref-28@cacak.org.rs>",
            **common,
        ),
        "U prilogu dostavljamo tražene podatke.\n".encode(),
    )
    # 29 A reply address used by someone who is not the authority: accepted, marked.
    mails["29-unknown-sender-reply-address.eml"] = message(
        head(
            From="Advokat Marko Marković <marko.advokat@gmail.com>",
            To=R[9101],
            Subject="Re: Zahtev",
            Date="Wed, 25 Nov 2026 11:00:00 +0100",
            Message_ID="<unknown-29@mail.gmail.com>",
            **common,
        ),
        "Kao punomoćnik grada dostavljam odgovor.\n".encode(),
    )
    # 30 Forward as attachment (message/rfc822) — the authority forwards the holder's answer.
    inner = message(
        head(
            From="JKP Parking servis <office@parkingns.rs>",
            To="pisarnica@novisad.rs",
            Subject="Podaci o kamerama",
            Date="Mon, 23 Nov 2026 08:00:00 +0100",
            Message_ID="<inner-30@parkingns.rs>",
            **common,
        ),
        "Dostavljamo podatke o kamerama na parkiralištima.\n".encode(),
    )
    mails["30-forward-as-attachment.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Fw: Podaci o kamerama",
            Date="Wed, 25 Nov 2026 12:00:00 +0100",
            Message_ID="<fwd-30@novisad.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="fw30"',
        ),
        multipart(
            "mixed",
            "fw30",
            [
                part(
                    "text/plain; charset=utf-8",
                    "Prosleđujemo odgovor JKP.\n".encode(),
                    Content_Transfer_Encoding="8bit",
                ),
                part("message/rfc822", inner, Content_Disposition="attachment"),
            ],
        ),
    )
    # 31 Inline forward.
    mails["31-forward-inline.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=R[9102],
            Subject="Fwd: Zahtev",
            Date="Wed, 25 Nov 2026 12:30:00 +0100",
            Message_ID="<fwd-31@mup.gov.rs>",
            **common,
        ),
        "Zahtev je prosleđen Upravi policije.\n\n---------- Forwarded message ---------\nFrom: Uprava policije <uprava@mup.gov.rs>\nDate: Tue, 24 Nov 2026\nSubject: Zahtev\n\nPrimili smo zahtev.\n".encode(),
    )
    # 32 The same message as 01 again (the MTA retried; a new Received line on top).
    mails["32-duplicate-of-01-mta-retry.eml"] = (
        b"Received: from mx2.foi.localhost by mx.foi.localhost; Mon, 23 Nov 2026 10:20:00 +0100\r\n"
        + mails["01-outlook-cp1250-decision-pdf.eml"]
    )
    # 33/34 No Message-ID at all, twice with the same bytes: one row by content hash.
    no_id = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Bez Message-ID",
            Date="Thu, 26 Nov 2026 10:00:00 +0100",
            **common,
        ),
        b"Poruka bez Message-ID zaglavlja.\n",
    )
    mails["33-no-message-id.eml"] = no_id
    mails["34-no-message-id-duplicate.eml"] = no_id
    # 35 Unmatched: an authority writes to the NGO's general inbox without any reference.
    mails["35-unmatched-general-inbox.eml"] = message(
        head(
            From="Pisarnica <pisarnica@novisad.rs>",
            To=NGO_INBOX,
            Subject="Dopis",
            Date="Thu, 26 Nov 2026 11:00:00 +0100",
            Message_ID="<unmatched-35@novisad.rs>",
            **common,
        ),
        "Dostavljamo dopis u vezi sa Vašim zahtevom.\n".encode(),
    )
    # 36 Ambiguous: the reply addresses of two requests.
    mails["36-ambiguous-two-reply-addresses.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=f"{R[9101]}, {R[9102]}",
            Subject="Zajednički odgovor",
            Date="Thu, 26 Nov 2026 12:00:00 +0100",
            Message_ID="<ambiguous-36@mup.gov.rs>",
            **common,
        ),
        b"Jedan odgovor na dva zahteva.\n",
    )
    # 37 A forged reply address (wrong token): held.
    forged = R[9102].split("-")[0] + "-aaaaaaaaaaaaaaaa@" + MAIL_DOMAIN
    mails["37-forged-reply-address.eml"] = message(
        head(
            From="spam@example.com",
            To=forged,
            Subject="Re: Zahtev",
            Date="Thu, 26 Nov 2026 13:00:00 +0100",
            Message_ID="<forged-37@example.com>",
            **common,
        ),
        b"Click here.\n",
    )
    # 38 Not an e-mail at all: binary garbage piped by a broken script.
    mails["38-garbage-bytes.eml"] = bytes(range(256)) * 4 + b"\x00\xff\n\n\x00"
    # 39 An executable attachment: refused, listed, kept in the raw message.
    mails["39-executable-attachment.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Prilog",
            Date="Thu, 26 Nov 2026 14:00:00 +0100",
            Message_ID="<exe-39@novisad.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="b39"',
        ),
        multipart(
            "mixed",
            "b39",
            [
                part("text/plain; charset=utf-8", b"Prilog.\n"),
                part(
                    'application/octet-stream; name="odgovor.pdf.exe"',
                    b64(EXE),
                    Content_Disposition='attachment; filename="odgovor.pdf.exe"',
                    Content_Transfer_Encoding="base64",
                ),
                part(
                    'application/pdf; name="prazno.pdf"',
                    b"",
                    Content_Disposition='attachment; filename="prazno.pdf"',
                ),
            ],
        ),
    )
    # 40 A Word document answer.
    mails["40-docx-answer.eml"] = message(
        head(
            From="info@mup.gov.rs",
            To=R[9102],
            Subject="Odgovor",
            Date="Fri, 27 Nov 2026 09:00:00 +0100",
            Message_ID="<docx-40@mup.gov.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="b40"',
        ),
        multipart(
            "mixed",
            "b40",
            [
                part("text/plain; charset=utf-8", b"Odgovor u prilogu.\n"),
                part(
                    'application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="Odgovor.docx"',
                    b64(docx()),
                    Content_Disposition='attachment; filename="Odgovor.docx"',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )
    # 41 Outlook reply quoting our request ("Od: … Poslato:").
    mails["41-outlook-quoted-history.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="RE: Zahtev SHARE-2026-101",
            Date="Fri, 27 Nov 2026 10:00:00 +0100",
            Message_ID="<quoted-41@novisad.rs>",
            **common,
        ),
        "Poštovani,\n\nGrad ne poseduje tražene informacije.\n\nOd: SHARE Foundation <noreply@foi.localhost>\nPoslato: 16. novembar 2026. 09:00\nZa: pisarnica@novisad.rs\nTema: Zahtev\n\nNa osnovu člana 15. Zakona tražimo...\nTražilac: Ana Anić, Beograd, Ulica 1, 064 123 4567\n".encode(),
    )
    # 42 The Commissioner answers on the appeal thread.
    mails["42-commissioner-appeal-thread.eml"] = message(
        head(
            From="Poverenik <office@poverenik.rs>",
            To=RA3,
            Subject="Rešenje po žalbi 07-00-1234/2026-03",
            Date="Fri, 27 Nov 2026 11:00:00 +0100",
            Message_ID="<appeal-42@poverenik.rs>",
            **common,
        ),
        "Žalba se usvaja i nalaže se organu da u roku od 5 dana dostavi informacije.\n".encode(),
    )
    # 43 No Date header, control characters and NUL in the subject, a very long subject.
    mails["43-no-date-control-characters.eml"] = message(
        head(
            From="pisarnica@novisad.rs",
            To=R[9101],
            Subject="Odgovor\x07\x00 " + "x" * 1200,
            Message_ID="<nodate-43@novisad.rs>",
            **common,
        ),
        b"Tekst sa NUL\x00 znakom i zvoncetom\x07.\n",
    )
    # 44 Thunderbird, format=flowed, Latin UTF-8, a JPEG scan with an RFC 2047 name= (Outlook style).
    mails["44-thunderbird-flowed-jpeg.eml"] = message(
        head(
            From="Opstina Cacak <opstina@cacak.org.rs>",
            To=R[9103],
            Subject="Sken odgovora",
            Date="Fri, 27 Nov 2026 12:00:00 +0100",
            Message_ID="<tb-44@cacak.org.rs>",
            User_Agent="Mozilla Thunderbird",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="b44"',
        ),
        multipart(
            "mixed",
            "b44",
            [
                part(
                    "text/plain; charset=UTF-8; format=flowed",
                    "Poštovani, u prilogu je sken \nodgovora.\n".encode(),
                    Content_Transfer_Encoding="8bit",
                ),
                part(
                    'image/jpeg; name="=?UTF-8?B?0KHQutC10L0g0L7QtNCz0L7QstC+0YDQsC5qcGc=?="',
                    b64(JPEG),
                    Content_Disposition='attachment; filename="=?UTF-8?B?0KHQutC10L0g0L7QtNCz0L7QstC+0YDQsC5qcGc=?="',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )
    # 45 A corrupt winmail.dat: kept as a file (and refused as an unknown type), nothing lost.
    mails["45-corrupt-winmail-dat.eml"] = message(
        head(
            From="kabinet@zdravlje.gov.rs",
            To=R[9104],
            Subject="Odgovor",
            Date="Fri, 27 Nov 2026 13:00:00 +0100",
            Message_ID="<tnefbad-45@zdravlje.gov.rs>",
            MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="b45"',
        ),
        multipart(
            "mixed",
            "b45",
            [
                part("text/plain; charset=us-ascii", b"Odgovor u prilogu.\n"),
                part(
                    'application/ms-tnef; name="winmail.dat"',
                    b64(b"\x78\x9f\x3e\x22broken"),
                    Content_Disposition='attachment; filename="winmail.dat"',
                    Content_Transfer_Encoding="base64",
                ),
            ],
        ),
    )
    return mails


# What each message must become (verdict, request id or None, kind), checked by the tests.
EXPECTED: dict[str, tuple[str, int | None, str]] = {
    "01": ("matched", 9101, "message"),
    "02": ("matched", 9104, "message"),
    "03": ("matched", 9103, "message"),
    "04": ("matched", 9101, "message"),
    "05": ("matched", 9102, "message"),
    "06": ("matched", 9102, "message"),
    "07": ("matched", 9102, "message"),
    "08": ("matched", 9102, "message"),
    "09": ("matched", 9102, "message"),
    "10": ("matched", 9101, "message"),
    "11": ("matched", 9102, "message"),
    "12": ("matched", 9103, "message"),
    "13": ("matched", 9105, "message"),
    "14": ("matched", 9102, "message"),
    "15": ("matched", 9101, "message"),
    "16": ("matched", 9102, "message"),
    "17": ("matched", 9104, "bounce"),
    "18": ("matched", 9104, "bounce"),
    "19": ("matched", 9105, "bounce"),
    "20": ("matched", 9101, "auto_reply"),
    "21": ("matched", 9102, "auto_reply"),
    "22": ("matched", 9103, "auto_reply"),
    "23": ("matched", 9101, "message"),
    "24": ("matched", 9102, "message"),
    "25": ("matched", 9103, "message"),
    "26": ("matched", 9104, "message"),
    "27": ("matched", 9105, "message"),
    "28": ("matched", 9103, "message"),
    "29": ("matched", 9101, "message"),
    "30": ("matched", 9101, "message"),
    "31": ("matched", 9102, "message"),
    "32": ("duplicate", 9101, "message"),
    "33": ("matched", 9101, "message"),
    "34": ("duplicate", 9101, "message"),
    "35": ("held", None, "message"),
    "36": ("held", None, "message"),
    "37": ("held", None, "message"),
    "38": ("held", None, "message"),
    "39": ("matched", 9101, "message"),
    "40": ("matched", 9102, "message"),
    "41": ("matched", 9101, "message"),
    "42": ("matched", 9103, "message"),
    "43": ("matched", 9101, "message"),
    "44": ("matched", 9103, "message"),
    "45": ("matched", 9104, "message"),
}


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.eml"):
        old.unlink()
    for name, data in build().items():
        (CORPUS / name).write_bytes(data)
    print(f"{len(list(CORPUS.glob('*.eml')))} messages in {CORPUS}")


if __name__ == "__main__":
    main()
