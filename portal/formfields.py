"""Form fields shared by the apps: the form side of `portal.fields.BoundedTextField`."""

from django import forms
from django.db import models

from portal.fields import BoundedTextField


class TextareaField(forms.CharField):
    """A multi-line text field whose limit counts characters as the browser does.

    A browser counts a line break as one character against `maxlength` (and in
    the counter under the box) but posts it as CR LF; without this, a text the
    browser accepted at the limit would be refused here as too long.
    """

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def bounded_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """`Meta.formfield_callback` of model forms: every BoundedTextField becomes a
    TextareaField with the model's limit (`maxlength`, and the "at most N
    characters" error in the user's language)."""
    if isinstance(db_field, BoundedTextField):
        kwargs.setdefault("form_class", TextareaField)
    return db_field.formfield(**kwargs)


def model_limit(model: type[models.Model], name: str) -> int:
    """The length limit of a model field, for a plain form that writes it."""
    return model._meta.get_field(name).max_length
