"""Form pieces shared by the workspace's forms: date inputs, multiple-file upload checked by
content, the authority picker (search-as-you-type with a no-JavaScript fallback), and the mapping
of the transitions service's errors onto the form's fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from foia.models import Authority
from foia.params import parse_id, search_query
from foia.services.uploads import check_upload


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Zero or more documents; each is checked for size and for its type by content."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, images, office documents or plain text. The file is checked by its content."),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files if f]
        errors = []
        for upload in cleaned:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        if self.required and not cleaned:
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned


class DocumentField(forms.FileField):
    """One document, checked for size and for its type by content."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


def authority_label(authority: Authority) -> str:
    return f"{authority.name} — {authority.place}" if authority.place else authority.name


class AuthorityPicker(forms.Select):
    """A search box and a list of matches.

    With JavaScript the list fills as one types (from ``workspace:authority_search``); without
    it the "Find" button resubmits the form, which comes back with the matches and the input
    kept. Only the matches and the current choice are rendered, never the thousands of bodies.
    """

    # In the app (not templates/): the default form renderer only reads app template dirs.
    template_name = "workspace/widgets/authority_picker.html"
    query = ""
    found: int | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            query=self.query,
            found=self.found,
            search_url=reverse("workspace:authority_search"),
        )
        context["widget"]["attrs"]["size"] = min(max(len(self.choices), 2), 8)
        return context


class AuthorityField(forms.ModelChoiceField):
    widget = AuthorityPicker

    def __init__(self, **kwargs):
        super().__init__(queryset=Authority.objects.filter(active=True), **kwargs)

    def label_from_instance(self, obj: Authority) -> str:
        return authority_label(obj)


def setup_authority_picker(form: forms.BaseForm, name: str) -> None:
    """Fill the picker with the current choice and, after a "Find", the matches."""
    from foia.workspace.selectors import search_authorities

    field = form.fields[name]
    widget = field.widget
    if form.is_bound and not field.disabled:
        query = search_query({"q": form.data.get(f"{name}_q") or ""})
        selected = form.data.get(name)
    else:
        query = ""
        selected = form.initial.get(name, field.initial)
    if isinstance(selected, Authority):
        selected = selected.pk
    options: list[tuple[str, str]] = []
    selected = parse_id(selected if isinstance(selected, int) else str(selected or ""))
    if selected:
        current = Authority.objects.filter(pk=selected).first()
        if current is not None:
            options.append((str(current.pk), authority_label(current)))
    widget.query, widget.found = query, None
    if query:
        results = search_authorities(query, limit=50)
        widget.found = len(results)
        if form.is_bound and not selected and len(results) == 1:
            # One body matches what was typed and none was picked: that is the choice (typing
            # a name and pressing Enter, or leaving the field, must not lose it).
            data = form.data.copy()
            data[name] = str(results[0].pk)
            form.data = data
            selected = results[0].pk
            options.append((str(results[0].pk), authority_label(results[0])))
        options += [(str(a.pk), authority_label(a)) for a in results if str(a.pk) != str(selected)]
    widget.choices = [("", _("— choose an authority —")), *options]


def keep_input_without_errors(form: forms.BaseForm) -> forms.BaseForm:
    """Render a bound form as typed, without validating it (after "Find" or "Preview")."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    return form


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
