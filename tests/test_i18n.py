"""The site speaks Serbian (Latin and Cyrillic) and English; the catalogues are complete."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("sr-latn", "Ko odgovara, a ko ćuti"),
        ("sr", "Ко одговара, а ко ћути"),
        ("en", "Who answers, who stays silent"),
    ],
)
def test_the_home_page_speaks_each_language(client, language, heading):
    page = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page
    assert f'lang="{language}"' in page


def test_the_language_switch_remembers_the_choice(client):
    client.post(reverse("set_language"), {"language": "sr", "next": "/"})
    assert "Ко одговара" in client.get("/").content.decode()


def test_every_string_of_the_latin_catalogue_is_translated():
    po = ROOT / "locale" / "sr_Latn" / "LC_MESSAGES" / "django.po"
    try:
        out = subprocess.run(
            ["msgattrib", "--untranslated", str(po)], capture_output=True, text=True, check=True
        )
    except FileNotFoundError:
        pytest.skip("gettext tools (msgattrib) are not installed")
    assert out.stdout.count("\nmsgid ") == 0, out.stdout[:2000]
