"""Model fields shared by the apps."""

from django.core.validators import MaxLengthValidator
from django.db import models


class BoundedTextField(models.TextField):
    """A TextField whose length limit is enforced by model validation, not only
    by the form widget (Django's TextField leaves `max_length` to the form).

    Every free-text field a user fills carries one: an unbounded field lets a
    single POST store megabytes that every later read and scan pays for.
    """

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))
