"""Demo data for ``manage.py seed_demo``: authorities, the demo NGO, its people and its requests.

Everything here is plain data. Dates are written as "days ago" (an int, counted back from today)
so the clocks are live whenever the seed runs; the command turns them into dates, moves them back
to a working day, and records every event through ``record_event``.

An event is ``ev(kind, days_ago, **fields)``. Besides the ``record_event`` fields, these keys are
understood by the command:

- ``received``: days ago the addressee got the document (→ ``received_on``);
- ``decided``: days ago the decision was dated (→ ``decision_date``);
- ``grounds``: refusal grounds (``RefusalGround`` values);
- ``forwarded_to``: the catalogue id of an authority;
- ``new_due_after_receipt``: an extension's new date, in days after the authority's receipt;
- ``{year}`` in ``decision_number`` / ``case_number`` becomes the year of the event.

Names of people, their addresses and phone numbers are invented. The authorities are real Serbian
public bodies; their e-mail addresses and websites are plausible, not verified.
"""

from __future__ import annotations

PASSWORD = "demo-pass-2026"


def ev(kind: str, days_ago: int, **fields) -> dict:
    return {"kind": kind, "ago": days_ago, **fields}


# --- Authorities -------------------------------------------------------------------------------

COMMISSIONER_ID = "demo-poverenik"

CENTRAL_AUTHORITIES = [
    {
        "catalogue_id": COMMISSIONER_ID,
        "name": "Poverenik za informacije od javnog značaja i zaštitu podataka o ličnosti",
        "short_name": "Poverenik",
        "kind": "independent_body",
        "address": "Bulevar kralja Aleksandra 15, 11120 Beograd",
        "place": "Beograd",
        "email": "office@poverenik.rs",
        "website": "https://www.poverenik.rs",
    },
    {
        "catalogue_id": "demo-vlada",
        "name": "Vlada Republike Srbije",
        "short_name": "Vlada",
        "kind": "government",
        "address": "Nemanjina 11, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@srbija.gov.rs",
        "website": "https://www.srbija.gov.rs",
    },
    {
        "catalogue_id": "demo-skupstina",
        "name": "Narodna skupština Republike Srbije",
        "short_name": "Narodna skupština",
        "kind": "national_assembly",
        "address": "Trg Nikole Pašića 13, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@parlament.rs",
        "website": "https://www.parlament.gov.rs",
    },
    {
        "catalogue_id": "demo-predsednik",
        "name": "Predsednik Republike Srbije",
        "short_name": "Predsednik",
        "kind": "president",
        "address": "Andrićev venac 1, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@predsednik.rs",
        "website": "https://www.predsednik.rs",
    },
    {
        "catalogue_id": "demo-vrhovni-sud",
        "name": "Vrhovni sud",
        "short_name": "Vrhovni sud",
        "kind": "court",
        "address": "Nemanjina 9, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@vrh.sud.rs",
        "website": "https://www.vrh.sud.rs",
    },
    {
        "catalogue_id": "demo-ustavni-sud",
        "name": "Ustavni sud",
        "short_name": "Ustavni sud",
        "kind": "court",
        "address": "Bulevar kralja Aleksandra 15, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@ustavni.sud.rs",
        "website": "https://www.ustavni.sud.rs",
    },
    {
        "catalogue_id": "demo-nbs",
        "name": "Narodna banka Srbije",
        "short_name": "NBS",
        "kind": "national_bank",
        "address": "Kralja Petra 12, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@nbs.rs",
        "website": "https://www.nbs.rs",
    },
    {
        "catalogue_id": "demo-vjt",
        "name": "Vrhovno javno tužilaštvo",
        "short_name": "VJT",
        "kind": "prosecutor",
        "address": "Nemanjina 22-26, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@vjt.gov.rs",
        "website": "https://www.vjt.gov.rs",
    },
]

# (catalogue id, name, short name, address, e-mail, website); all seated in Belgrade.
_MINISTRIES = [
    (
        "demo-mup",
        "Ministarstvo unutrašnjih poslova",
        "MUP",
        "Kneza Miloša 103, 11000 Beograd",
        "informacije@mup.gov.rs",
        "https://www.mup.gov.rs",
    ),
    (
        "demo-mpravde",
        "Ministarstvo pravde",
        "MP",
        "Nemanjina 22-26, 11000 Beograd",
        "informacije@mpravde.gov.rs",
        "https://www.mpravde.gov.rs",
    ),
    (
        "demo-mfin",
        "Ministarstvo finansija",
        "MF",
        "Kneza Miloša 20, 11000 Beograd",
        "informacije@mfin.gov.rs",
        "https://www.mfin.gov.rs",
    ),
    (
        "demo-mod",
        "Ministarstvo odbrane",
        "MO",
        "Birčaninova 5, 11000 Beograd",
        "informacije@mod.gov.rs",
        "https://www.mod.gov.rs",
    ),
    (
        "demo-mzdravlja",
        "Ministarstvo zdravlja",
        "MZ",
        "Nemanjina 22-26, 11000 Beograd",
        "informacije@zdravlje.gov.rs",
        "https://www.zdravlje.gov.rs",
    ),
    (
        "demo-mprosvete",
        "Ministarstvo prosvete",
        "MPr",
        "Nemanjina 22-26, 11000 Beograd",
        "informacije@mpn.gov.rs",
        "https://prosveta.gov.rs",
    ),
    (
        "demo-mduls",
        "Ministarstvo državne uprave i lokalne samouprave",
        "MDULS",
        "Birčaninova 6, 11000 Beograd",
        "informacije@mduls.gov.rs",
        "https://mduls.gov.rs",
    ),
    (
        "demo-mzzs",
        "Ministarstvo zaštite životne sredine",
        "MZŽS",
        "Omladinskih brigada 1, 11070 Novi Beograd",
        "informacije@ekologija.gov.rs",
        "https://www.ekologija.gov.rs",
    ),
    (
        "demo-mit",
        "Ministarstvo informisanja i telekomunikacija",
        "MIT",
        "Nemanjina 22-26, 11000 Beograd",
        "informacije@mit.gov.rs",
        "https://mit.gov.rs",
    ),
    (
        "demo-mgsi",
        "Ministarstvo građevinarstva, saobraćaja i infrastrukture",
        "MGSI",
        "Nemanjina 22-26, 11000 Beograd",
        "informacije@mgsi.gov.rs",
        "https://www.mgsi.gov.rs",
    ),
    (
        "demo-mspo",
        "Ministarstvo spoljnih poslova",
        "MSP",
        "Kneza Miloša 24-26, 11000 Beograd",
        "informacije@mfa.gov.rs",
        "https://www.mfa.gov.rs",
    ),
]

MINISTRIES = [
    {
        "catalogue_id": cid,
        "name": name,
        "short_name": short,
        "kind": "ministry",
        "address": address,
        "place": "Beograd",
        "email": email,
        "website": website,
        "parent": "demo-vlada",
    }
    for cid, name, short, address, email, website in _MINISTRIES
]

ENTERPRISES = [
    {
        "catalogue_id": "demo-beoelektrane",
        "name": 'JKP "Beogradske elektrane"',
        "short_name": "Beogradske elektrane",
        "kind": "public_enterprise",
        "address": "Savski nasip 11, 11070 Novi Beograd",
        "place": "Beograd",
        "email": "informacije@beoelektrane.rs",
        "website": "https://www.beoelektrane.rs",
        "parent": "demo-grad-beograd",
    },
    {
        "catalogue_id": "demo-gsp",
        "name": 'JKP "Gradsko saobraćajno preduzeće Beograd"',
        "short_name": "GSP Beograd",
        "kind": "public_enterprise",
        "address": "Kneginje Ljubice 29, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@gsp.rs",
        "website": "https://www.gsp.rs",
        "parent": "demo-grad-beograd",
    },
    {
        "catalogue_id": "demo-eps",
        "name": "Elektroprivreda Srbije AD",
        "short_name": "EPS",
        "kind": "state_company",
        "address": "Balkanska 13, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@eps.rs",
        "website": "https://www.eps.rs",
    },
    {
        "catalogue_id": "demo-telekom",
        "name": "Telekom Srbija AD",
        "short_name": "Telekom Srbija",
        "kind": "state_company",
        "address": "Takovska 2, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@telekom.rs",
        "website": "https://mts.rs",
    },
    {
        "catalogue_id": "demo-batut",
        "name": 'Institut za javno zdravlje Srbije "Dr Milan Jovanović Batut"',
        "short_name": "Batut",
        "kind": "institution",
        "address": "Dr Subotića 5, 11000 Beograd",
        "place": "Beograd",
        "email": "informacije@batut.org.rs",
        "website": "https://www.batut.org.rs",
        "parent": "demo-mzdravlja",
    },
]

# Local governments: (catalogue id, kind, place, postal code, website domain).
# The 28 cities of Serbia outside Kosovo and Metohija, then municipalities (opštine).
_LOCAL = [
    ("demo-grad-beograd", "city", "Beograd", "11000", "beograd.rs"),
    ("demo-grad-novi-sad", "city", "Novi Sad", "21000", "novisad.rs"),
    ("demo-grad-nis", "city", "Niš", "18000", "ni.rs"),
    # The 42 local governments of the camera campaign start here.
    ("demo-grad-kragujevac", "city", "Kragujevac", "34000", "kragujevac.rs"),
    ("demo-grad-subotica", "city", "Subotica", "24000", "subotica.rs"),
    ("demo-grad-cacak", "city", "Čačak", "32000", "cacak.rs"),
    ("demo-grad-kraljevo", "city", "Kraljevo", "36000", "kraljevo.rs"),
    ("demo-grad-novi-pazar", "city", "Novi Pazar", "36300", "novipazar.rs"),
    ("demo-grad-smederevo", "city", "Smederevo", "11300", "smederevo.rs"),
    ("demo-grad-sabac", "city", "Šabac", "15000", "sabac.rs"),
    ("demo-grad-valjevo", "city", "Valjevo", "14000", "valjevo.rs"),
    ("demo-grad-uzice", "city", "Užice", "31000", "uzice.rs"),
    ("demo-grad-zrenjanin", "city", "Zrenjanin", "23000", "zrenjanin.rs"),
    ("demo-grad-pancevo", "city", "Pančevo", "26000", "pancevo.rs"),
    ("demo-grad-sombor", "city", "Sombor", "25000", "sombor.rs"),
    ("demo-grad-leskovac", "city", "Leskovac", "16000", "gradleskovac.org"),
    ("demo-grad-vranje", "city", "Vranje", "17500", "vranje.rs"),
    ("demo-grad-zajecar", "city", "Zaječar", "19000", "zajecar.rs"),
    ("demo-grad-pirot", "city", "Pirot", "18300", "pirot.rs"),
    ("demo-grad-krusevac", "city", "Kruševac", "37000", "krusevac.rs"),
    ("demo-grad-jagodina", "city", "Jagodina", "35000", "jagodina.org.rs"),
    ("demo-grad-loznica", "city", "Loznica", "15300", "loznica.rs"),
    ("demo-grad-sremska-mitrovica", "city", "Sremska Mitrovica", "22000", "sremskamitrovica.rs"),
    ("demo-grad-kikinda", "city", "Kikinda", "23300", "kikinda.org.rs"),
    ("demo-grad-vrsac", "city", "Vršac", "26300", "vrsac.com"),
    ("demo-grad-pozarevac", "city", "Požarevac", "12000", "pozarevac.rs"),
    ("demo-grad-bor", "city", "Bor", "19210", "bor.rs"),
    ("demo-grad-prokuplje", "city", "Prokuplje", "18400", "prokuplje.org.rs"),
    ("demo-opstina-indjija", "municipality", "Inđija", "22320", "indjija.net"),
    ("demo-opstina-stara-pazova", "municipality", "Stara Pazova", "22300", "starapazova.rs"),
    ("demo-opstina-ruma", "municipality", "Ruma", "22400", "ruma.rs"),
    ("demo-opstina-becej", "municipality", "Bečej", "21220", "becej.rs"),
    ("demo-opstina-vrbas", "municipality", "Vrbas", "21460", "vrbas.net"),
    ("demo-opstina-backa-palanka", "municipality", "Bačka Palanka", "21400", "backapalanka.rs"),
    ("demo-opstina-arandjelovac", "municipality", "Aranđelovac", "34300", "arandjelovac.rs"),
    (
        "demo-opstina-gornji-milanovac",
        "municipality",
        "Gornji Milanovac",
        "32300",
        "gornjimilanovac.rs",
    ),
    ("demo-opstina-paracin", "municipality", "Paraćin", "35250", "paracin.rs"),
    ("demo-opstina-cuprija", "municipality", "Ćuprija", "35230", "cuprija.rs"),
    ("demo-opstina-knjazevac", "municipality", "Knjaževac", "19350", "knjazevac.rs"),
    ("demo-opstina-negotin", "municipality", "Negotin", "19300", "negotin.rs"),
    ("demo-opstina-kladovo", "municipality", "Kladovo", "19320", "kladovo.org.rs"),
    ("demo-opstina-priboj", "municipality", "Priboj", "31330", "priboj.rs"),
    ("demo-opstina-prijepolje", "municipality", "Prijepolje", "31300", "prijepolje.rs"),
    ("demo-opstina-tutin", "municipality", "Tutin", "36320", "tutin.rs"),
    ("demo-opstina-ivanjica", "municipality", "Ivanjica", "32250", "ivanjica.gov.rs"),
]

LOCAL_GOVERNMENTS = [
    {
        "catalogue_id": cid,
        "name": f"{'Grad' if kind == 'city' else 'Opština'} {place}",
        "short_name": place,
        "kind": kind,
        "address": f"{postcode} {place}",
        "place": place,
        "email": f"informacije@{domain}",
        "website": f"https://www.{domain}",
    }
    for cid, kind, place, postcode, domain in _LOCAL
]

# Parents first: ministries point at the Government, enterprises at Belgrade or a ministry.
AUTHORITIES = CENTRAL_AUTHORITIES + MINISTRIES + LOCAL_GOVERNMENTS + ENTERPRISES

NO_APPEAL_IDS = [
    "demo-skupstina",
    "demo-predsednik",
    "demo-vlada",
    "demo-vrhovni-sud",
    "demo-ustavni-sud",
    "demo-nbs",
    "demo-vjt",
]

# --- The organisation and its people -----------------------------------------------------------

ORGANIZATION = {
    "slug": "share-demo",
    "name": "SHARE Fondacija",
    "address": "Beograd",
    "email": "share-demo@example.org",
    "website": "https://www.sharefoundation.info",
}

USERS = [
    {"username": "demo-owner", "role": "owner", "first_name": "Jelena", "last_name": "Marković"},
    {
        "username": "demo-editor",
        "role": "editor",
        "first_name": "Nikola",
        "last_name": "Stojanović",
    },
    {"username": "demo-viewer", "role": "viewer", "first_name": "Milica", "last_name": "Ilić"},
]
SUPERUSER = {"username": "admin", "first_name": "Admin", "last_name": "Demo"}

TOPICS = [
    ("video-nadzor", "Video nadzor"),
    ("javne-nabavke", "Javne nabavke"),
    ("budzet", "Budžet"),
    ("zastita-podataka", "Zaštita podataka"),
    ("zivotna-sredina", "Životna sredina"),
]

# The people who sign the requests, with their private contacts (never shown publicly).
REQUESTERS = [
    {
        "requester_name": "Jelena Marković",
        "requester_address": "Njegoševa 41, stan 6, 11000 Beograd",
        "requester_phone": "+381 64 318 2207",
        "requester_email": "jelena.markovic.licno@example.net",
    },
    {
        "requester_name": "Nikola Stojanović",
        "requester_address": "Bulevar oslobođenja 112, 21000 Novi Sad",
        "requester_phone": "+381 63 804 1152",
        "requester_email": "nikola.stojanovic@example.net",
    },
    {
        "requester_name": "Marija Đorđević",
        "requester_address": "Cara Dušana 27, 18000 Niš",
        "requester_phone": "+381 65 277 9031",
        "requester_email": "marija.djordjevic@example.net",
    },
]

# --- The camera campaign -----------------------------------------------------------------------

CAMPAIGN = {
    "title": "Kamere sa prepoznavanjem lica u lokalnim samoupravama",
    "description": (
        "Istraživanje iz 2023. pokazalo je da su 42 lokalne samouprave kupile kineske kamere za "
        "video nadzor. Svima smo postavili isto pitanje: šta je kupljeno, od koga, gde su kamere "
        "i da li je urađena procena uticaja na zaštitu podataka o ličnosti."
    ),
    "is_public": True,
}
CAMPAIGN_SUBJECT = "Nabavka kamera za video nadzor sa prepoznavanjem lica"
CAMPAIGN_QUESTION = (
    "Na osnovu člana 15. stav 1. Zakona o slobodnom pristupu informacijama od javnog značaja "
    "molimo Vas da nam dostavite: 1) informaciju da li su od 2019. godine do danas nabavljene "
    "kamere za video nadzor javnih površina, posebno kamere sa funkcijom prepoznavanja lica ili "
    "registarskih tablica; 2) kopiju ugovora i specifikaciju opreme (proizvođač, model, broj "
    "kamera); 3) spisak lokacija na kojima su kamere postavljene; 4) procenu uticaja obrade na "
    "zaštitu podataka o ličnosti, ako je urađena."
)
CAMPAIGN_NOTES = {
    "silent": "Bez odgovora — pripremiti žalbu zbog ćutanja uprave.",
    "recent": "Poslato u drugom krugu; rok još teče.",
    "full": "Odgovor unet u tabelu kampanje.",
    "partial": "Delimičan odgovor — razmotriti žalbu.",
    "refused_9_3": "Odbijeno pozivom na javnu bezbednost.",
    "refused_14": "Odbijeno pozivom na privatnost.",
    "refused_both": "Odbijeno po dva osnova.",
    "extended": "Rok produžen — pratiti.",
    "silence_appeal": "Žalba zbog ćutanja podneta Povereniku.",
    "not_held": "Prosleđeno Povereniku; pitati MUP direktno.",
}

# (catalogue id, outcome, days ago the request was sent, channel). Exactly 42 local governments.
CAMPAIGN_TARGETS = [
    ("demo-grad-kragujevac", "full", 52, "email"),
    ("demo-grad-subotica", "silent", 52, "email"),
    ("demo-grad-cacak", "partial", 52, "email"),
    ("demo-grad-kraljevo", "refused_9_3", 52, "email"),
    ("demo-grad-novi-pazar", "silent", 58, "registered_post"),
    ("demo-grad-smederevo", "silence_appeal", 58, "email"),
    ("demo-grad-sabac", "full", 52, "email"),
    ("demo-grad-valjevo", "silent", 45, "email"),
    ("demo-grad-uzice", "extended", 30, "email"),
    ("demo-grad-zrenjanin", "refused_both", 52, "email"),
    ("demo-grad-pancevo", "partial", 52, "electronic"),
    ("demo-grad-sombor", "silent", 52, "email"),
    ("demo-grad-leskovac", "silent", 48, "email"),
    ("demo-grad-vranje", "refused_14", 52, "email"),
    ("demo-grad-zajecar", "full", 52, "email"),
    ("demo-grad-pirot", "silent", 52, "email"),
    ("demo-grad-krusevac", "partial", 52, "email"),
    ("demo-grad-jagodina", "silent", 55, "ordinary_post"),
    ("demo-grad-loznica", "recent", 8, "email"),
    ("demo-grad-sremska-mitrovica", "full", 52, "email"),
    ("demo-grad-kikinda", "not_held", 52, "email"),
    ("demo-grad-vrsac", "silent", 42, "email"),
    ("demo-grad-pozarevac", "refused_9_3", 52, "email"),
    ("demo-grad-bor", "partial", 52, "email"),
    ("demo-grad-prokuplje", "silent", 60, "email"),
    ("demo-opstina-indjija", "full", 52, "email"),
    ("demo-opstina-stara-pazova", "extended", 33, "email"),
    ("demo-opstina-ruma", "silent", 52, "email"),
    ("demo-opstina-becej", "refused_both", 52, "email"),
    ("demo-opstina-vrbas", "full", 52, "electronic"),
    ("demo-opstina-backa-palanka", "silent", 50, "email"),
    ("demo-opstina-arandjelovac", "partial", 52, "email"),
    ("demo-opstina-gornji-milanovac", "recent", 12, "email"),
    ("demo-opstina-paracin", "refused_14", 52, "email"),
    ("demo-opstina-cuprija", "silent", 52, "email"),
    ("demo-opstina-knjazevac", "full", 52, "email"),
    ("demo-opstina-negotin", "silent", 46, "email"),
    ("demo-opstina-kladovo", "recent", 4, "electronic"),
    ("demo-opstina-priboj", "refused_9_3", 52, "email"),
    ("demo-opstina-prijepolje", "partial", 52, "email"),
    ("demo-opstina-tutin", "silent", 57, "email"),
    ("demo-opstina-ivanjica", "full", 52, "email"),
]

# Visibility exceptions in the campaign (the rest is public).
CAMPAIGN_VISIBILITY = {
    "demo-grad-zrenjanin": ("embargoed", 20),  # embargo still running: not public yet
    "demo-opstina-ruma": ("private", None),
}

_FULL_ANSWERS = [
    "Grad nije nabavljao kamere sa funkcijom prepoznavanja lica. U prilogu je ugovor o "
    "održavanju 24 kamere za nadzor saobraćaja.",
    "U prilogu dostavljamo ugovor, specifikaciju (36 kamera, proizvođač Hikvision) i spisak "
    "lokacija. Procena uticaja nije rađena.",
    "Dostavljamo ugovor o nabavci 18 kamera (Dahua) i spisak lokacija; kamere nemaju funkciju "
    "prepoznavanja lica.",
    "Opština nije nabavljala kamere za video nadzor javnih površina u navedenom periodu.",
]
_PARTIAL_ANSWERS = [
    "Dostavljamo ugovor i specifikaciju opreme. Spisak lokacija se ne dostavlja iz razloga "
    "javne bezbednosti.",
    "Dostavljamo ugovor sa zacrnjenim imenima zaposlenih; procena uticaja ne postoji.",
]


def campaign_events(outcome: str, sent_ago: int, index: int) -> list[dict]:
    """The timeline of one campaign request; offsets are days after sending."""

    def after(days: int) -> int:
        return max(sent_ago - days, 0)

    number = f"IV-{index + 10:02d}-{{year}}"
    if outcome in ("silent", "recent"):
        return []
    if outcome == "full":
        return [
            ev(
                "answer",
                after(9 + index % 5),
                answer_kind="full",
                channel="email",
                received=after(9 + index % 5),
                text=_FULL_ANSWERS[index % len(_FULL_ANSWERS)],
            )
        ]
    if outcome == "partial":
        ground = "art9_3" if index % 2 else "art14"
        return [
            ev(
                "answer",
                after(13),
                answer_kind="partial",
                channel="email",
                received=after(13),
                grounds=[ground],
                text=_PARTIAL_ANSWERS[index % len(_PARTIAL_ANSWERS)],
            )
        ]
    if outcome.startswith("refused"):
        grounds = {
            "refused_9_3": ["art9_3"],
            "refused_14": ["art14"],
            "refused_both": ["art9_3", "art14"],
        }[outcome]
        return [
            ev(
                "refusal",
                after(12),
                grounds=grounds,
                decision_number=number,
                decided=after(12),
                channel="registered_post",
                received=after(15),
                text="Rešenje o odbijanju: objavljivanje lokacija kamera ugrozilo bi javnu "
                "bezbednost i privatnost građana.",
            )
        ]
    if outcome == "extended":
        return [
            ev(
                "extension",
                after(2),
                channel="email",
                received=after(2),
                new_due_after_receipt=40,
                reason="Obimna dokumentacija u više sektora gradske uprave.",
                text="Obaveštenje o produženju roka (čl. 16. st. 4).",
            )
        ]
    if outcome == "silence_appeal":
        return [
            ev(
                "appeal_filed",
                after(25),
                appeal_ground="silence",
                channel="email",
                received=after(25),
                text="Žalba zbog ćutanja uprave.",
            )
        ]
    if outcome == "not_held":
        return [
            ev(
                "answer",
                after(10),
                answer_kind="not_held",
                channel="email",
                received=after(10),
                forwarded_to=COMMISSIONER_ID,
                text="Grad ne poseduje tražene informacije; kamere je postavio MUP. Zahtev je "
                "prosleđen Povereniku.",
            )
        ]
    raise ValueError(f"unknown campaign outcome {outcome!r}")


# --- Individual requests -----------------------------------------------------------------------
#
# ref: our_reference (the natural key); requester: index into REQUESTERS; assignee: "owner",
# "editor" or None; embargo: days from today (negative: already passed).

SAFE_CITY_REFS = ("SHARE-SG-01", "SHARE-SG-02")

REQUESTS = [
    {
        "ref": "SHARE-SG-01",
        "authority": "demo-mup",
        "subject": "Sigurni grad: ugovor sa kompanijom Huawei i spisak lokacija kamera",
        "information_sought": (
            "Kopija ugovora (sa aneksima) između MUP-a i kompanije Huawei o nabavci opreme za "
            "projekat Sigurni grad, specifikacija kamera sa prepoznavanjem lica i spisak lokacija "
            "na kojima su kamere postavljene u Beogradu."
        ),
        "topics": ["video-nadzor", "javne-nabavke", "zastita-podataka"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 0,
        "internal_notes": "Pratiti izvršenje rešenja Poverenika; pripremiti saopštenje.",
        "events": [
            ev("sent", 230, channel="email"),
            ev(
                "refusal",
                215,
                grounds=["art9_3"],
                decision_number="01-4512/{year}-2",
                decided=216,
                channel="registered_post",
                received=212,
                text="Informacije su označene stepenom tajnosti; otkrivanje bi ugrozilo javnu "
                "bezbednost (čl. 9. tač. 3).",
            ),
            ev(
                "appeal_filed",
                204,
                appeal_ground="refusal",
                channel="registered_post",
                received=201,
                text="Žalba protiv rešenja o odbijanju, u celini.",
            ),
            ev(
                "commissioner_decision",
                150,
                commissioner_outcome="ordered",
                period_days=5,
                decision_number="071-01-2381/{year}-03",
                decided=152,
                received=147,
                channel="email",
                text="Žalba je osnovana; nalaže se MUP-u da u roku od 5 dana dostavi ugovor i "
                "spisak lokacija.",
            ),
            ev(
                "compliance",
                130,
                compliance_result="not",
                text="MUP nije postupio po rešenju Poverenika.",
            ),
            ev(
                "enforcement",
                110,
                case_number="071-01-2381/{year}-05",
                text="Poverenik je izrekao novčanu kaznu od 100.000 dinara (čl. 28a) i zatražio "
                "pomoć Vlade u izvršenju.",
            ),
        ],
    },
    {
        "ref": "SHARE-SG-02",
        "authority": "demo-mup",
        "subject": "Sigurni grad: procena uticaja na zaštitu podataka o ličnosti",
        "information_sought": (
            "Kopija procene uticaja obrade na zaštitu podataka o ličnosti za sistem video nadzora "
            "sa prepoznavanjem lica (Sigurni grad) i mišljenje Poverenika na tu procenu."
        ),
        "topics": ["video-nadzor", "zastita-podataka"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "Poverenik je 2019. ocenio da procena ne ispunjava uslove iz zakona.",
        "events": [
            ev("sent", 95, channel="email"),
            ev(
                "refusal",
                82,
                grounds=["art9_5"],
                decision_number="01-1877/{year}-1",
                decided=83,
                channel="email",
                received=82,
                text="Dokument sadrži tajne podatke (čl. 9. tač. 5).",
            ),
            ev(
                "appeal_filed",
                75,
                appeal_ground="refusal",
                channel="email",
                received=75,
                text="Žalba Povereniku protiv rešenja o odbijanju.",
            ),
            ev(
                "urgency",
                5,
                channel="email",
                text="Urgencija: Poverenik nije odlučio u roku od 60 dana (čl. 24).",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-001",
        "authority": "demo-grad-beograd",
        "subject": "Troškovi održavanja gradskog sistema video nadzora",
        "information_sought": "Ugovori o održavanju kamera Grada Beograda za 2024. i 2025. godinu.",
        "topics": ["video-nadzor", "budzet"],
        "visibility": "private",
        "assignee": "editor",
        "requester": 0,
        "internal_notes": "Nacrt — proveriti tačan naziv sekretarijata.",
        "events": [],
    },
    {
        "ref": "SHARE-2026-002",
        "authority": "demo-mzdravlja",
        "subject": "Pristup zdravstvenim podacima iz sistema eZdravlje",
        "information_sought": "Spisak institucija koje imaju pristup podacima iz sistema IZIS.",
        "topics": ["zastita-podataka"],
        "visibility": "private",
        "assignee": None,
        "requester": 1,
        "internal_notes": "",
        "events": [],
    },
    {
        "ref": "SHARE-2026-003",
        "authority": "demo-mup",
        "subject": "Broj zahteva za pristup snimcima kamera Sigurni grad",
        "information_sought": (
            "Broj zahteva za pristup snimcima sa kamera u 2025. godini, po organizacionim "
            "jedinicama MUP-a."
        ),
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Rok ističe uskoro — podsetiti pisarnicu.",
        "events": [ev("sent", 12, channel="email")],
    },
    {
        "ref": "SHARE-2026-004",
        "authority": "demo-mfin",
        "subject": "Izvršenje budžeta: sredstva za projekat Sigurni grad",
        "information_sought": "Iznos isplaćen iz budžeta za projekat Sigurni grad, po godinama.",
        "topics": ["budzet", "video-nadzor"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "Poslato preporučeno; čekamo povratnicu.",
        "events": [ev("sent", 9, channel="registered_post")],
    },
    {
        "ref": "SHARE-2026-005",
        "authority": "demo-mduls",
        "subject": "Uputstva lokalnim samoupravama o video nadzoru",
        "information_sought": (
            "Akti i uputstva koje je ministarstvo dostavilo lokalnim samoupravama o postavljanju "
            "kamera na javnim površinama."
        ),
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": None,
        "requester": 2,
        "internal_notes": "Ćutanje — pripremiti žalbu.",
        "events": [ev("sent", 75, channel="email")],
    },
    {
        "ref": "SHARE-2026-006",
        "authority": "demo-predsednik",
        "subject": "Sastanci sa predstavnicima kompanije Huawei",
        "information_sought": "Spisak sastanaka predsednika sa predstavnicima kompanije Huawei.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "Nema žalbe — tužba Upravnom sudu zbog ćutanja.",
        "events": [ev("sent", 45, channel="email")],
    },
    {
        "ref": "SHARE-2026-007",
        "authority": "demo-mzdravlja",
        "subject": "Nabavka softvera za obradu zdravstvenih podataka",
        "information_sought": "Ugovor o nabavci softvera za centralni zdravstveni informacioni sistem.",
        "topics": ["javne-nabavke", "zastita-podataka"],
        "visibility": "private",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Traže da preciziramo period — odgovoriti do roka.",
        "events": [
            ev("sent", 10, channel="email"),
            ev(
                "incomplete_notice",
                7,
                period_days=8,
                channel="email",
                received=6,
                text="Zahtev je nepotpun: navedite period na koji se ugovor odnosi.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-008",
        "authority": "demo-mprosvete",
        "subject": "Video nadzor u školama",
        "information_sought": "Broj škola u kojima su postavljene kamere u učionicama.",
        "topics": ["video-nadzor", "zastita-podataka"],
        "visibility": "public",
        "assignee": None,
        "requester": 2,
        "internal_notes": "Propustili smo rok za dopunu.",
        "events": [
            ev("sent", 70, channel="email"),
            ev(
                "incomplete_notice",
                66,
                period_days=8,
                channel="email",
                received=65,
                text="Precizirajte školsku godinu.",
            ),
            ev(
                "dismissal",
                45,
                decision_number="610-00-118/{year}-07",
                decided=45,
                channel="email",
                received=43,
                text="Zahtev se odbacuje jer nedostaci nisu otklonjeni (čl. 15).",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-009",
        "authority": "demo-batut",
        "subject": "Izveštaji o kvalitetu vazduha u blizini termoelektrana",
        "information_sought": "Kopije mesečnih izveštaja o kvalitetu vazduha za 2025. godinu.",
        "topics": ["zivotna-sredina"],
        "visibility": "private",
        "assignee": "owner",
        "requester": 2,
        "internal_notes": "Zahtev u vezi sa životnom sredinom je oslobođen naknade (čl. 17).",
        "events": [
            ev("sent", 18, channel="ordinary_post"),
            ev(
                "fee_demanded",
                6,
                amount="1350.00",
                channel="ordinary_post",
                received=3,
                text="Za kopije 450 strana potrebno je uplatiti 1.350 dinara.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-010",
        "authority": "demo-mfin",
        "subject": "Budžetska sredstva za video nadzor 2024–2025",
        "information_sought": "Aproprijacije za opremu za video nadzor u budžetu za 2024. i 2025.",
        "topics": ["budzet"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 0,
        "internal_notes": "Podaci uneti u tabelu budžeta.",
        "events": [
            ev("sent", 60, channel="email"),
            ev(
                "answer",
                50,
                answer_kind="full",
                channel="email",
                received=50,
                text="Dostavljamo tražene podatke u prilogu.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-011",
        "authority": "demo-eps",
        "subject": "Ugovori o napajanju kamera na javnim površinama",
        "information_sought": "Ugovori o priključenju kamera sistema Sigurni grad na mrežu.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": None,
        "requester": 1,
        "internal_notes": "",
        "events": [
            ev("sent", 40, channel="email"),
            ev(
                "answer",
                30,
                answer_kind="not_held",
                channel="email",
                received=30,
                forwarded_to=COMMISSIONER_ID,
                text="EPS ne poseduje tražene ugovore; zahtev je prosleđen Povereniku.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-012",
        "authority": "demo-mzzs",
        "subject": "Studija uticaja na životnu sredinu za deponiju Vinča",
        "information_sought": "Kopija studije o proceni uticaja i saglasnosti ministarstva.",
        "topics": ["zivotna-sredina"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 2,
        "internal_notes": "Rok za izvršenje ističe — proveriti poštu.",
        "events": [
            ev("sent", 120, channel="email"),
            ev(
                "refusal",
                110,
                grounds=["art9_4"],
                decision_number="353-02-411/{year}-03",
                decided=110,
                channel="email",
                received=110,
                text="Odbija se zbog ekonomskih interesa države (čl. 9. tač. 4).",
            ),
            ev("appeal_filed", 100, appeal_ground="refusal", channel="email", received=100),
            ev(
                "commissioner_decision",
                6,
                commissioner_outcome="ordered",
                period_days=5,
                decision_number="071-01-990/{year}-03",
                decided=7,
                received=3,
                channel="email",
                text="Nalaže se ministarstvu da dostavi studiju u roku od 5 dana.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-013",
        "authority": "demo-mod",
        "subject": "Nabavka dronova za nadzor granice",
        "information_sought": "Ugovor o nabavci bespilotnih letelica za nadzor državne granice.",
        "topics": ["javne-nabavke", "video-nadzor"],
        "visibility": "embargoed",
        "embargo": 45,
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Embargo do objave istraživanja; razmotriti tužbu.",
        "events": [
            ev("sent", 150, channel="email"),
            ev(
                "refusal",
                140,
                grounds=["art9_3", "art9_5"],
                decision_number="8-112/{year}",
                decided=141,
                channel="registered_post",
                received=138,
                text="Podaci su od značaja za odbranu zemlje i označeni su kao tajni.",
            ),
            ev("appeal_filed", 128, appeal_ground="refusal", channel="email", received=128),
            ev(
                "commissioner_decision",
                20,
                commissioner_outcome="rejected",
                decision_number="071-01-455/{year}-03",
                decided=22,
                received=18,
                channel="email",
                text="Žalba se odbija kao neosnovana.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-014",
        "authority": "demo-grad-beograd",
        "subject": "Lokacije kamera na trgovima u centru Beograda",
        "information_sought": "Spisak lokacija kamera Grada Beograda na trgovima u opštini Stari grad.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": None,
        "requester": 0,
        "internal_notes": "Žalba podneta prerano — naša greška.",
        "events": [
            ev("sent", 140, channel="email"),
            ev(
                "appeal_filed",
                130,
                appeal_ground="silence",
                channel="email",
                received=130,
                is_public=False,
            ),
            ev(
                "commissioner_decision",
                60,
                commissioner_outcome="dismissed",
                dismissal_reason="premature",
                decision_number="071-01-611/{year}-03",
                decided=62,
                received=58,
                channel="email",
                text="Žalba se odbacuje kao preuranjena.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-015",
        "authority": "demo-mpravde",
        "subject": "Nacrt zakona o unutrašnjim poslovima: mišljenja o biometrijskom nadzoru",
        "information_sought": "Mišljenja dostavljena ministarstvu o odredbama o biometrijskom nadzoru.",
        "topics": ["zastita-podataka", "video-nadzor"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Odgovor stigao posle žalbe.",
        "events": [
            ev("sent", 130, channel="email"),
            ev("appeal_filed", 100, appeal_ground="silence", channel="email", received=100),
            ev(
                "answer",
                80,
                answer_kind="full",
                channel="email",
                received=80,
                text="Dostavljamo mišljenja u prilogu.",
            ),
            ev(
                "commissioner_decision",
                60,
                commissioner_outcome="suspended",
                decision_number="071-01-702/{year}-03",
                decided=61,
                received=58,
                channel="email",
                text="Postupak se obustavlja jer je organ postupio po zahtevu.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-016",
        "authority": "demo-beoelektrane",
        "subject": "Ugovor o nabavci sistema video nadzora toplana",
        "information_sought": "Ugovor i specifikacija sistema video nadzora u toplanama.",
        "topics": ["javne-nabavke", "video-nadzor"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "",
        "events": [
            ev("sent", 200, channel="email"),
            ev(
                "refusal",
                190,
                grounds=["art9_5"],
                decision_number="IX-2210/{year}",
                decided=190,
                channel="registered_post",
                received=188,
                text="Ugovor sadrži poslovnu tajnu dobavljača.",
            ),
            ev("appeal_filed", 180, appeal_ground="refusal", channel="email", received=180),
            ev(
                "commissioner_decision",
                125,
                commissioner_outcome="ordered",
                period_days=5,
                decision_number="071-01-3012/{year}-03",
                decided=127,
                received=124,
                channel="email",
            ),
            ev("compliance", 118, compliance_result="complied", text="Ugovor dostavljen u celini."),
        ],
    },
    {
        "ref": "SHARE-2026-017",
        "authority": "demo-grad-novi-sad",
        "subject": "Kamere na raskrsnicama u Novom Sadu",
        "information_sought": "Ugovor o postavljanju kamera na raskrsnicama i spisak lokacija.",
        "topics": ["video-nadzor", "javne-nabavke"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Spisak lokacija i dalje nije dostavljen.",
        "events": [
            ev("sent", 210, channel="email"),
            ev("appeal_filed", 180, appeal_ground="silence", channel="email", received=180),
            ev(
                "commissioner_decision",
                130,
                commissioner_outcome="ordered",
                period_days=5,
                decision_number="071-01-2874/{year}-03",
                decided=132,
                received=128,
                channel="email",
            ),
            ev(
                "compliance",
                120,
                compliance_result="partly",
                text="Dostavljen ugovor, ali ne i spisak lokacija.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-018",
        "authority": "demo-vlada",
        "subject": "Sporazum o strateškom partnerstvu sa kompanijom Huawei",
        "information_sought": "Kopija sporazuma Vlade i kompanije Huawei o strateškom partnerstvu.",
        "topics": ["video-nadzor", "javne-nabavke"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "Protiv Vlade nema žalbe — tužba podneta Upravnom sudu.",
        "events": [
            ev("sent", 90, channel="email"),
            ev(
                "refusal",
                78,
                grounds=["art9_3"],
                decision_number="05 broj 021-3311/{year}",
                decided=78,
                channel="registered_post",
                received=76,
                text="Sporazum se odnosi na nacionalnu bezbednost.",
            ),
            ev(
                "lawsuit_filed",
                60,
                channel="registered_post",
                case_number="U 4410/{year}",
                text="Tužba Upravnom sudu protiv rešenja Vlade.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-019",
        "authority": "demo-mit",
        "subject": "Studija izvodljivosti za nacionalni centar podataka",
        "information_sought": "Kopija studije izvodljivosti za Državni data centar u Kragujevcu.",
        "topics": ["zastita-podataka", "javne-nabavke"],
        "visibility": "embargoed",
        "embargo": -10,
        "assignee": None,
        "requester": 2,
        "internal_notes": "Presuda povoljna — čekamo ponovno odlučivanje.",
        "events": [
            ev("sent", 400, channel="email"),
            ev(
                "refusal",
                388,
                grounds=["art9_6"],
                decision_number="344-01-07/{year}",
                decided=388,
                channel="email",
                received=388,
                text="Studija je zaštićena autorskim pravom izrađivača.",
            ),
            ev("appeal_filed", 378, appeal_ground="refusal", channel="email", received=378),
            ev(
                "commissioner_decision",
                330,
                commissioner_outcome="rejected",
                decision_number="071-01-118/{year}-03",
                decided=332,
                received=326,
                channel="email",
            ),
            ev("lawsuit_filed", 300, channel="email", case_number="U 9021/{year}"),
            ev(
                "court_decision",
                40,
                court_outcome="upheld",
                case_number="U 9021/{year}",
                text="Tužba se uvažava; rešenje Poverenika se poništava.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-020",
        "authority": "demo-grad-nis",
        "subject": "Ugovor o nabavci kamera za grad Niš (duplikat)",
        "information_sought": "Ugovor o nabavci kamera za Niš.",
        "topics": ["video-nadzor"],
        "visibility": "private",
        "assignee": None,
        "requester": 2,
        "internal_notes": "Povučen — isti zahtev poslat dva puta.",
        "events": [
            ev("sent", 35, channel="email"),
            ev("withdrawn", 33, is_public=False, text="Zahtev povučen; upućen je dva puta."),
        ],
    },
    {
        "ref": "SHARE-2026-021",
        "authority": "demo-nbs",
        "subject": "Nabavka sistema video nadzora u objektima NBS",
        "information_sought": "Ugovor o nabavci i održavanju sistema video nadzora u zgradama NBS.",
        "topics": ["javne-nabavke", "video-nadzor"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Odlučiti o tužbi Upravnom sudu pre isteka roka.",
        "events": [
            ev("sent", 40, channel="email"),
            ev(
                "answer",
                28,
                answer_kind="partial",
                grounds=["art9_3"],
                channel="email",
                received=27,
                text="Dostavljamo ugovor bez tehničke specifikacije i rasporeda kamera.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-022",
        "authority": "demo-skupstina",
        "subject": "Zapisnici Odbora za odbranu i unutrašnje poslove o projektu Sigurni grad",
        "information_sought": "Zapisnici sednica odbora na kojima se raspravljalo o projektu.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "",
        "events": [
            ev("sent", 100, channel="email"),
            ev(
                "answer",
                88,
                answer_kind="full",
                channel="email",
                received=88,
                text="Zapisnici su u prilogu.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-023",
        "authority": "demo-grad-nis",
        "subject": "Kamere na raskrsnicama u Nišu",
        "information_sought": "Broj i lokacije kamera na raskrsnicama na teritoriji grada Niša.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": None,
        "requester": 2,
        "internal_notes": "Poslato preko portala eUprava.",
        "events": [ev("sent", 3, channel="electronic")],
    },
    {
        "ref": "SHARE-2026-024",
        "authority": "demo-mzzs",
        "subject": "Hitno: izmereno zagađenje vazduha u Boru",
        "information_sought": "Rezultati merenja sumpor-dioksida u Boru za poslednjih sedam dana.",
        "topics": ["zivotna-sredina"],
        "visibility": "public",
        "urgent": True,
        "urgent_reason": "Zaštita zdravlja stanovništva i životne sredine (čl. 16. st. 2).",
        "assignee": "editor",
        "requester": 2,
        "internal_notes": "Rok 48 sati.",
        "events": [ev("sent", 0, channel="email")],
    },
    {
        "ref": "SHARE-2026-025",
        "authority": "demo-mgsi",
        "subject": "Kamere za naplatu putarine i prepoznavanje tablica",
        "information_sought": "Ugovori o kamerama za prepoznavanje registarskih tablica na autoputevima.",
        "topics": ["video-nadzor", "javne-nabavke"],
        "visibility": "public",
        "assignee": "owner",
        "requester": 1,
        "internal_notes": "Povratnica stigla; organ ćuti.",
        "events": [
            ev("sent", 30, channel="registered_post"),
            ev("delivered", 27, is_public=False, text="Datum sa povratnice."),
        ],
    },
    {
        "ref": "SHARE-2026-026",
        "authority": "demo-telekom",
        "subject": "Prenos podataka sa kamera sistema Sigurni grad",
        "information_sought": "Ugovori o zakupu linkova za prenos podataka sa kamera MUP-a.",
        "topics": ["video-nadzor", "zastita-podataka"],
        "visibility": "public",
        "assignee": None,
        "requester": 0,
        "internal_notes": "",
        "events": [ev("sent", 11, channel="email")],
    },
    {
        "ref": "SHARE-2026-027",
        "authority": "demo-mspo",
        "subject": "Sporazumi sa NR Kinom o saradnji u oblasti bezbednosti",
        "information_sought": "Sporazumi o policijskoj i bezbednosnoj saradnji sa NR Kinom od 2017.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": "editor",
        "requester": 1,
        "internal_notes": "Žalba u pripremi — rok ističe uskoro.",
        "events": [
            ev("sent", 22, channel="email"),
            ev(
                "refusal",
                9,
                grounds=["art9_3"],
                decision_number="01-2209/{year}",
                decided=10,
                channel="email",
                received=8,
                text="Otkrivanje bi štetilo međunarodnim odnosima (čl. 9. tač. 3).",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-028",
        "authority": "demo-gsp",
        "subject": "Kamere u vozilima javnog prevoza",
        "information_sought": "Broj vozila sa kamerama i pravilnik o čuvanju snimaka.",
        "topics": ["video-nadzor", "zastita-podataka"],
        "visibility": "private",
        "assignee": "owner",
        "requester": 0,
        "internal_notes": "Pravilnik ne određuje rok čuvanja snimaka.",
        "events": [
            ev("sent", 65, channel="email"),
            ev(
                "answer",
                55,
                answer_kind="full",
                channel="email",
                received=53,
                text="Kamere su u 412 vozila; pravilnik je u prilogu.",
            ),
        ],
    },
    {
        "ref": "SHARE-2026-029",
        "authority": "demo-vjt",
        "subject": "Predmeti u kojima su korišćeni snimci sistema Sigurni grad",
        "information_sought": "Broj krivičnih predmeta u kojima su kao dokaz korišćeni snimci.",
        "topics": ["video-nadzor"],
        "visibility": "public",
        "assignee": None,
        "requester": 2,
        "internal_notes": "",
        "events": [
            ev("sent", 70, channel="email"),
            ev(
                "answer",
                60,
                answer_kind="already_published",
                channel="email",
                received=60,
                published_where="Godišnji izveštaj VJT za 2025, str. 88",
                text="Podatak je objavljen u godišnjem izveštaju.",
            ),
        ],
    },
]
