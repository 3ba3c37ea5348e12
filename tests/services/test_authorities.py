"""Tests for `manage.py import_authorities` and `foia.services.authorities`.

Every file is written to tmp_path and imported through call_command, as staff would run it; the
service is called directly only for the inputs the command cannot take (rows, mappings).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from foia.models import Authority, AuthorityKind
from foia.services.authorities import AuthorityImportError, import_authorities

pytestmark = pytest.mark.django_db

SR_HEADER = "šifra;naziv;skraćeni naziv;vrsta;adresa;mesto;e-pošta;veb sajt;nadređeni organ;aktivan"
EN_HEADER = "id,name,short_name,kind,address,place,email,website,parent_id,active"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write(tmp_path, text: str, name: str = "authorities.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *flags: str) -> str:
    out = io.StringIO()
    call_command("import_authorities", str(path), *flags, stdout=out)
    return out.getvalue()


def run_failing(path, *flags: str) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_authorities", str(path), *flags, stdout=out)
    return out.getvalue(), str(excinfo.value)


def catalogue() -> dict[str, Authority]:
    return {a.catalogue_id: a for a in Authority.objects.select_related("parent")}


SAMPLE = "\n".join(
    [
        "id,name,kind,place,email,website",
        "100,Ministarstvo finansija,ministry,Beograd,kabinet@mfin.gov.rs,https://www.mfin.gov.rs",
        "200,Grad Novi Sad,city,Novi Sad,,novisad.rs",
        "300,Upravni sud,court,Beograd,,",
    ]
)


# --- Create, update, unchanged -----------------------------------------------------------------


def test_first_import_creates_and_a_reimport_finds_everything_unchanged(tmp_path):
    path = write(tmp_path, SAMPLE)

    out = run(path)

    assert "Created: 3, updated: 0, unchanged: 0." in out
    authorities = catalogue()
    assert set(authorities) == {"100", "200", "300"}
    assert authorities["100"].name == "Ministarstvo finansija"
    assert authorities["100"].kind == AuthorityKind.MINISTRY
    assert authorities["100"].email == "kabinet@mfin.gov.rs"
    assert authorities["200"].website == "https://novisad.rs"  # no scheme: https:// added
    assert all(a.active for a in authorities.values())

    assert "Created: 0, updated: 0, unchanged: 3." in run(path)
    assert Authority.objects.count() == 3


def test_a_changed_row_is_updated_and_the_rest_left_unchanged(tmp_path):
    run(write(tmp_path, SAMPLE))
    before = catalogue()
    changed = SAMPLE.replace("Upravni sud,court,Beograd", "Upravni sud,court,Niš")

    out = run(write(tmp_path, changed, "changed.csv"))

    assert "Created: 0, updated: 1, unchanged: 2." in out
    after = catalogue()
    assert after["300"].place == "Niš"
    assert after["300"].pk == before["300"].pk
    assert after["300"].updated_at > before["300"].updated_at
    assert after["100"].updated_at == before["100"].updated_at


def test_an_existing_authority_is_matched_by_catalogue_id_and_keeps_what_the_file_lacks(tmp_path):
    mup = Authority.objects.create(
        name="MUP",
        kind=AuthorityKind.MINISTRY,
        catalogue_id="7",
        email="staff@mup.gov.rs",
        appeal_route_override="commissioner",
        active=False,
    )
    # No e-mail cell and no active column: the stored e-mail and "inactive" stay.
    text = "šifra;naziv;e-pošta\n7;Ministarstvo unutrašnjih poslova;\n"

    out = run(write(tmp_path, text))

    assert "Created: 0, updated: 1, unchanged: 0." in out
    mup.refresh_from_db()
    assert mup.name == "Ministarstvo unutrašnjih poslova"
    assert mup.email == "staff@mup.gov.rs"
    assert mup.appeal_route_override == "commissioner"
    assert mup.active is False
    assert mup.kind == AuthorityKind.MINISTRY


# --- Headers, encodings, delimiters --------------------------------------------------------------


def test_serbian_headers_with_bom_and_semicolons(tmp_path):
    text = "\n".join(
        [
            SR_HEADER,
            "11;Ministarstvo finansija;MF;ministarstvo;Kneza Miloša 20;Beograd;"
            "kabinet@mfin.gov.rs;www.mfin.gov.rs;;da",
            "12;Poreska uprava;PU;ostalo;Save Maškovića 3-5;Beograd;;purs.gov.rs;11;ne",
            "13;JKP „Beogradski vodovod i kanalizacija”;BVK;JKP;Kneza Miloša 27;Beograd;;;;DA",
            "14;Opština Inđija;;Opština;Cara Dušana 1;Inđija;;;;1",
        ]
    )
    path = write(tmp_path, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    out = run(path)

    assert "Created: 4, updated: 0, unchanged: 0." in out
    mf, pu, bvk, indjija = (catalogue()[cat] for cat in ("11", "12", "13", "14"))
    assert (mf.name, mf.short_name, mf.kind) == ("Ministarstvo finansija", "MF", "ministry")
    assert (mf.address, mf.place) == ("Kneza Miloša 20", "Beograd")
    assert mf.website == "https://www.mfin.gov.rs"
    assert pu.parent == mf
    assert pu.active is False
    assert bvk.kind == AuthorityKind.PUBLIC_ENTERPRISE
    assert indjija.kind == AuthorityKind.MUNICIPALITY
    assert indjija.name == "Opština Inđija"


def test_cyrillic_headers_and_values(tmp_path):
    text = "Шифра;Назив органа;Врста органа;Место;Активан\n21;Влада Републике Србије;Влада;Београд;да\n"

    out = run(write(tmp_path, text))

    assert "Created: 1" in out
    vlada = catalogue()["21"]
    assert vlada.name == "Влада Републике Србије"
    assert vlada.kind == AuthorityKind.GOVERNMENT
    assert vlada.no_appeal


def test_english_headers_with_commas_and_quoted_cells(tmp_path):
    text = "\n".join(
        [
            EN_HEADER,
            '31,"Ministry of Finance, Republic of Serbia",MoF,Ministry,"Kneza Miloša 20",Belgrade,'
            "info@mfin.gov.rs,https://www.mfin.gov.rs,,yes",
            "32,Tax Administration,,other,,Belgrade,,,31,true",
            "33,Public Prosecutor's Office in Novi Sad,,Public prosecutor,,Novi Sad,,,,0",
        ]
    )

    out = run(write(tmp_path, text))

    assert "Created: 3" in out
    authorities = catalogue()
    assert authorities["31"].name == "Ministry of Finance, Republic of Serbia"
    assert authorities["31"].kind == AuthorityKind.MINISTRY
    assert authorities["32"].parent == authorities["31"]
    assert authorities["33"].kind == AuthorityKind.PROSECUTOR
    assert authorities["33"].active is False


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("ministarstvo", "ministry"),
        ("Grad", "city"),
        ("opština", "municipality"),
        ("opstina", "municipality"),
        ("Javno preduzeće", "public_enterprise"),
        ("JP", "public_enterprise"),
        ("jkp", "public_enterprise"),
        ("ustanova", "institution"),
        ("sud", "court"),
        ("Tužilaštvo", "prosecutor"),
        ("pokrajina", "province"),
        ("privredno društvo", "state_company"),
        ("nezavisni organ", "independent_body"),
        ("regulatorno telo", "independent_body"),
        ("Vlada", "government"),
        ("narodna skupština", "national_assembly"),
        ("predsednik", "president"),
        ("Narodna banka", "national_bank"),
        ("ostalo", "other"),
        ("national_bank", "national_bank"),
        ("State-owned company", "state_company"),
        ("Autonomous province", "province"),
        ("министарство", "ministry"),
    ],
)
def test_kind_words_in_serbian_and_english(tmp_path, word, kind):
    run(write(tmp_path, f"sifra;naziv;vrsta\n1;Organ;{word}\n"))

    assert catalogue()["1"].kind == kind


def test_a_new_authority_without_a_kind_is_other(tmp_path):
    run(write(tmp_path, "id,name\n1,Some body\n"))

    assert catalogue()["1"].kind == AuthorityKind.OTHER


def test_unknown_columns_are_ignored_and_listed(tmp_path):
    out = run(write(tmp_path, "Redni broj;Šifra;Naziv;Napomena\n1;501;Upravni sud;x\n"))

    assert "Ignored columns: “Redni broj”, “Napomena”" in out
    assert catalogue()["501"].name == "Upravni sud"


# --- Bad rows ------------------------------------------------------------------------------------

BAD_ROWS = [
    ("missing catalogue id", ";Bez šifre;sud;;;", "missing catalogue id"),
    ("missing name", "9;;sud;;;", "missing name"),
    ("unknown kind", "9;Neki organ;svemirska agencija;;;", "unknown kind “svemirska agencija”"),
    ("invalid email", "9;Neki organ;sud;not-an-address;;", "invalid e-mail address"),
    ("invalid website", "9;Neki organ;sud;;nije adresa;", "invalid website address"),
    (
        "duplicate id",
        "1;Drugi organ sa istom šifrom;sud;;;",
        "catalogue id “1” is already on line 2",
    ),
    ("unknown parent", "9;Neki organ;sud;;;404", "parent catalogue id “404” is neither"),
    ("name too long", "9;" + "N" * 301 + ";sud;;;", "name is 301 characters long; at most 300"),
    ("own parent", "9;Neki organ;sud;;;9", "an authority cannot be its own parent"),
    ("active unreadable", "9;Neki organ;sud;;;;možda", "cannot read “možda” as active"),
]


@pytest.mark.parametrize(
    ("bad_row", "reason"), [(b, r) for _id, b, r in BAD_ROWS], ids=[i for i, _b, _r in BAD_ROWS]
)
def test_each_kind_of_bad_row_is_reported_with_its_line_number(tmp_path, bad_row, reason):
    text = "\n".join(
        [
            "šifra;naziv;vrsta;e-mail;web;nadređeni organ;aktivan",
            "1;Upravni sud;sud;;;",
            "2;Viši sud u Beogradu;sud;;;",
            bad_row,  # line 4
            "3;Apelacioni sud u Nišu;sud;;;",
        ]
    )

    out, error = run_failing(write(tmp_path, text))

    assert f"  line 4: {reason}" in out
    assert "1 bad row(s): nothing was imported" in error
    assert "--skip-bad-rows" in error
    assert not Authority.objects.exists()


def test_line_numbers_count_physical_lines_past_a_multiline_cell_and_blank_lines(tmp_path):
    text = (
        "šifra;naziv;adresa;vrsta\n"
        '1;Upravni sud;"Nemanjina 9\nBeograd";sud\n'  # lines 2-3
        "\n"  # line 4
        "2;Organ;;zvezda\n"  # line 5
    )

    out, _error = run_failing(write(tmp_path, text))

    assert "  line 5: unknown kind “zvezda”" in out
    assert "line 2" not in out


def test_every_reason_of_a_row_is_listed(tmp_path):
    text = "id,name,kind,email\n,,galaxy,nope\n"

    out, _error = run_failing(write(tmp_path, text))

    for reason in ("missing catalogue id", "missing name", "unknown kind", "invalid e-mail"):
        assert f"  line 2: {reason}" in out


def test_a_file_with_a_bad_row_imports_nothing_and_updates_nothing(tmp_path):
    court = Authority.objects.create(name="Upravni sud", kind=AuthorityKind.COURT, catalogue_id="1")
    text = "id;name;place\n1;Upravni sud;Beograd\n2;Novi organ;Niš\n3;;Kragujevac\n"

    out, error = run_failing(write(tmp_path, text))

    assert "Would create: 1, would update: 1, unchanged: 0." in out
    assert "  line 4: missing name" in out
    assert "nothing was imported" in error
    court.refresh_from_db()
    assert court.place == ""
    assert Authority.objects.count() == 1


def test_skip_bad_rows_imports_the_good_rows_and_lists_the_bad(tmp_path):
    text = "\n".join(
        [
            "šifra;naziv;vrsta;nadređeni organ",
            "1;Ministarstvo finansija;ministarstvo;",
            "2;;sud;",  # line 3: no name
            "3;Poreska uprava;ostalo;1",
            "4;Uprava carina;nepoznato;1",  # line 5: unknown kind
            "5;Ispostava;ostalo;4",  # line 6: its parent is only in a bad row
            "6;Ispostava 2;ostalo;5",  # line 7: and so on down the chain
        ]
    )

    out = run(write(tmp_path, text), "--skip-bad-rows")

    assert "Created: 2, updated: 0, unchanged: 0." in out
    assert "Skipped 4 bad row(s):" in out
    assert "  line 3: missing name" in out
    assert "  line 5: unknown kind “nepoznato”" in out
    assert "  line 6: parent “4” (line 5) has errors" in out
    assert "  line 7: parent “5” (line 6) has errors" in out
    authorities = catalogue()
    assert set(authorities) == {"1", "3"}
    assert authorities["3"].parent == authorities["1"]


def test_a_duplicate_id_keeps_the_first_row_when_skipping(tmp_path):
    text = "id,name\n1,First\n1,Second\n"

    out = run(write(tmp_path, text), "--skip-bad-rows")

    assert "  line 3: catalogue id “1” is already on line 2" in out
    assert catalogue()["1"].name == "First"


# --- Dry run -------------------------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(tmp_path):
    court = Authority.objects.create(
        name="Upravni sud", kind=AuthorityKind.COURT, catalogue_id="300"
    )
    Authority.objects.create(
        name="Grad Novi Sad",
        kind=AuthorityKind.CITY,
        catalogue_id="200",
        place="Novi Sad",
        website="https://novisad.rs",
    )
    before = list(Authority.objects.values())

    out = run(write(tmp_path, SAMPLE), "--dry-run")

    assert "Would create: 1, would update: 1, unchanged: 1." in out
    assert "Dry run: nothing was written." in out
    assert list(Authority.objects.values()) == before
    court.refresh_from_db()
    assert court.place == ""


def test_dry_run_with_bad_rows_fails_unless_skipping(tmp_path):
    path = write(tmp_path, "id,name\n1,Good\n2,\n")

    out, error = run_failing(path, "--dry-run")
    assert "  line 3: missing name" in out
    assert "1 bad row(s)" in error

    out = run(path, "--dry-run", "--skip-bad-rows")
    assert "Would create: 1, would update: 0, unchanged: 0." in out
    assert not Authority.objects.exists()


# --- Parents -------------------------------------------------------------------------------------


def test_a_child_before_its_parent_in_the_file_is_linked(tmp_path):
    text = "\n".join(
        [
            "šifra;naziv;vrsta;nadređeni organ",
            "3;Filijala Novi Sad;ostalo;2",
            "2;Poreska uprava;ostalo;1",
            "1;Ministarstvo finansija;ministarstvo;",
        ]
    )

    run(write(tmp_path, text))

    authorities = catalogue()
    assert authorities["3"].parent == authorities["2"]
    assert authorities["2"].parent == authorities["1"]
    assert authorities["1"].parent is None


def test_a_parent_already_in_the_database_and_a_reparented_existing_row(tmp_path):
    mf = Authority.objects.create(name="MF", kind=AuthorityKind.MINISTRY, catalogue_id="1")
    pu = Authority.objects.create(name="PU", kind=AuthorityKind.OTHER, catalogue_id="2", parent=mf)
    # 2 moves under the new 5, which the file creates after it; 3 is new, under 1 in the database.
    text = "id;name;parent_id\n2;PU;5\n3;Uprava carina;1\n5;Novo ministarstvo;\n"

    out = run(write(tmp_path, text))

    assert "Created: 2, updated: 1, unchanged: 0." in out
    authorities = catalogue()
    assert authorities["2"].parent == authorities["5"]
    assert authorities["3"].parent == mf
    pu.refresh_from_db()
    assert pu.parent.catalogue_id == "5"
    assert "unchanged: 3" in run(write(tmp_path, text, "again.csv"))


def test_a_parent_loop_is_a_bad_row(tmp_path):
    Authority.objects.create(
        name="B",
        kind=AuthorityKind.OTHER,
        catalogue_id="b",
        parent=Authority.objects.create(name="A", kind=AuthorityKind.OTHER, catalogue_id="a"),
    )

    out, _error = run_failing(write(tmp_path, "id,name,parent_id\na,A,b\n"))

    assert "  line 2: the parent chain loops back: a → b → a" in out


# --- The file as a whole -------------------------------------------------------------------------


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="File not found: .*nowhere.csv"):
        call_command("import_authorities", str(tmp_path / "nowhere.csv"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("naziv;mesto\nUpravni sud;Beograd\n", "No catalogue id column in the header"),
        ("šifra;mesto\n1;Beograd\n", "No name column in the header"),
        ("Spisak organa vlasti\n1;Upravni sud\n", "No catalogue id column in the header"),
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
    ],
)
def test_a_file_without_a_recognisable_header_is_a_command_error(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, text))
    assert not Authority.objects.exists()


def test_a_file_that_is_not_utf8_is_a_command_error(tmp_path):
    path = write(tmp_path, "šifra;naziv\n1;Opština Čačak\n", encoding="cp1250")

    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)


def test_a_file_that_is_not_text_or_not_csv_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="NUL characters \\(line 2\\)"):
        run(write(tmp_path, "id;name\n1;Up\x00ravni sud\n"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run(write(tmp_path, "\ufeffid;name\n1;Upravni sud\n", encoding="utf-16"))
    with pytest.raises(CommandError, match="Cannot read the file as CSV at line 2"):
        run(write(tmp_path, "id;name\n1;" + "x" * 200_000 + "\n"))
    assert not Authority.objects.exists()


def test_a_database_refusal_rolls_everything_back(tmp_path, monkeypatch):
    from foia.services import authorities as authority_import

    check_parents = authority_import._check_parents

    def meanwhile(*args):  # another import adds catalogue id 2 after ours loaded the table
        Authority.objects.create(name="Race", kind=AuthorityKind.OTHER, catalogue_id="2")
        check_parents(*args)

    monkeypatch.setattr(authority_import, "_check_parents", meanwhile)

    with pytest.raises(CommandError, match="nothing was imported"):
        run(write(tmp_path, "id;name\n1;Upravni sud\n2;Viši sud\n"))
    assert list(Authority.objects.values_list("catalogue_id", flat=True)) == ["2"]


# --- The service without the command -------------------------------------------------------------


def test_the_service_takes_rows_and_mappings(tmp_path):
    report = import_authorities(
        rows_or_file=[["Šifra", "Naziv", "Vrsta"], ["1", "Upravni sud", "sud"], ["2", "", "sud"]],
        dry_run=False,
        skip_bad_rows=True,
    )
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert [(e.line, e.reason) for e in report.errors] == [(3, "missing name")]
    assert report.written

    report = import_authorities(
        rows_or_file=[{"id": "1", "name": "Upravni sud", "place": "Beograd"}],
        dry_run=True,
        skip_bad_rows=False,
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert not report.written
    assert catalogue()["1"].place == ""

    report = import_authorities(
        rows_or_file=io.BytesIO("\ufeffid;naziv\n1;Upravni sud\n".encode()),
        dry_run=False,
        skip_bad_rows=False,
    )
    assert (report.unchanged, report.delimiter) == (1, ";")
    assert report.columns == {"catalogue_id": "id", "name": "naziv"}

    with pytest.raises(AuthorityImportError):
        import_authorities(
            rows_or_file=[["mesto"], ["Beograd"]], dry_run=False, skip_bad_rows=False
        )


# --- Queries -------------------------------------------------------------------------------------


def _big_file(tmp_path, rows: int, place: str):
    lines = ["šifra;naziv;vrsta;mesto;e-pošta;veb sajt;nadređeni organ;aktivan"]
    for n in range(1, rows + 1):
        # Every tenth row is a ministry; the others hang under the next one below them, so that
        # half the children come before their parent in the file.
        parent = "" if n % 10 == 0 else str((n // 10 + 1) * 10) if n < rows - 10 else "10"
        kind = "ministarstvo" if n % 10 == 0 else "ustanova"
        lines.append(
            f"{n};Organ broj {n};{kind};{place};organ{n}@example.rs;www.organ{n}.rs;{parent};da"
        )
    return write(tmp_path, "\n".join(lines), f"big-{place}.csv")


def test_two_hundred_rows_take_a_constant_handful_of_queries(
    tmp_path, django_assert_max_num_queries
):
    Authority.objects.create(name="Unrelated", kind=AuthorityKind.OTHER, catalogue_id="x")

    with django_assert_max_num_queries(10):
        out = run(_big_file(tmp_path, 200, "Beograd"))
    assert "Created: 200" in out

    # The update also brings the requests' facts and search terms in step (the fan-out): a
    # constant few statements more, not one per authority.
    with django_assert_max_num_queries(14):
        out = run(_big_file(tmp_path, 200, "Niš"))
    assert "Created: 0, updated: 200, unchanged: 0." in out

    with django_assert_max_num_queries(1):
        out = run(_big_file(tmp_path, 200, "Niš"), "--dry-run")
    assert "unchanged: 200" in out

    with django_assert_max_num_queries(1):
        out = run(_big_file(tmp_path, 200, "Niš"))
    assert "Created: 0, updated: 0, unchanged: 200." in out

    authorities = catalogue()
    assert authorities["15"].parent == authorities["20"]
    assert authorities["15"].place == "Niš"
    assert authorities["15"].website == "https://www.organ15.rs"
