"""Outcome measure forms (shape only: `hubs.outcomes.scoring` holds the scoring rules).

Item fields are named by the item keys the service uses, so a service error naming
`accommodation` or `item_3` lands on that field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField
from wtforms.validators import InputRequired

from hubs.core.types import today
from hubs.core.web import options
from hubs.outcomes.scoring import (
    DIALOG_ITEMS,
    DIALOG_RATINGS,
    REQOL_KEYS,
    REQOL_LABELS,
    REQOL_MAX,
    REQOL_MIN,
    REQOL_PHYSICAL_KEY,
)

RATING_CHOICES = options((str(n), f"{n} {label.lower()}") for n, label in DIALOG_RATINGS.items())
REQOL_CHOICES = options((str(n), str(n)) for n in range(REQOL_MIN, REQOL_MAX + 1))


def more_help_name(key: str) -> str:
    return f"more_help_{key}"


class DialogForm(FlaskForm):
    recorded_on = DateField(
        "Date completed", default=today, validators=[InputRequired("Enter the date completed")]
    )


class Reqol10Form(FlaskForm):
    recorded_on = DateField(
        "Date completed", default=today, validators=[InputRequired("Enter the date completed")]
    )


# Fields are added in item order (WTForms orders fields by creation). Choices are not
# checked here: the service checks every rating, for the API too.
for _item in DIALOG_ITEMS:
    setattr(
        DialogForm,
        _item.key,
        RadioField(
            _item.label,
            choices=RATING_CHOICES,
            validate_choice=False,
            validators=[InputRequired(f"Choose a rating for {_item.label.lower()}")],
        ),
    )
    setattr(
        DialogForm,
        more_help_name(_item.key),
        BooleanField(f"Wants more help with {_item.label.lower()}"),
    )

for _key in (*REQOL_KEYS, REQOL_PHYSICAL_KEY):
    setattr(
        Reqol10Form,
        _key,
        RadioField(
            REQOL_LABELS[_key],
            choices=REQOL_CHOICES,
            validate_choice=False,
            validators=[InputRequired(f"Enter the score for {REQOL_LABELS[_key].lower()}")],
        ),
    )


def _as_int(value: object) -> int | object:
    """A posted rating as a number; anything else is passed on for the service to refuse."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def dialog_answers(form: DialogForm) -> tuple[dict[str, object], list[str]]:
    answers = {item.key: _as_int(form[item.key].data) for item in DIALOG_ITEMS}
    more_help = [item.key for item in DIALOG_ITEMS if form[more_help_name(item.key)].data]
    return answers, more_help


def reqol10_answers(form: Reqol10Form) -> dict[str, object]:
    return {key: _as_int(form[key].data) for key in (*REQOL_KEYS, REQOL_PHYSICAL_KEY)}
