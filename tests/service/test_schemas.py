"""Schema fields the API shares: what they accept and refuse, pinned against marshmallow's own."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

from service.schemas import ID, MAX_ID, IdList

# JSON values a client could send in place of a list of ids, around the edges of the range.
_ids = st.one_of(st.integers(min_value=-2, max_value=3),
                 st.integers(min_value=MAX_ID - 2, max_value=MAX_ID + 2),
                 st.integers())
_values = st.one_of(_ids, st.booleans(), st.none(), st.floats(allow_nan=False),
                    st.text(max_size=4), st.just("7"))
_lists = st.one_of(st.lists(_ids, max_size=12), st.lists(_values, max_size=6),
                   _values, st.dictionaries(st.text(max_size=3), _ids, max_size=2))


def _outcome(field: fields.Field[Any], value: Any) -> tuple[str, Any]:
    try:
        return "ok", field.deserialize(value)
    except ValidationError as error:
        return "refused", error.messages


@given(_lists)
def test_a_list_of_ids_reads_as_marshmallows_list_of_ranged_integers(value: Any) -> None:
    """The one-pass reading of the usual list changes nothing: same values, same errors."""
    reference = fields.List(fields.Integer(validate=ID))
    assert _outcome(IdList(), value) == _outcome(reference, value)


def test_a_list_of_ids_refuses_an_id_out_of_range_by_its_position() -> None:
    assert _outcome(IdList(), [3, 0, MAX_ID + 1]) == ("refused", {
        1: [f"Must be greater than or equal to 1 and less than or equal to {MAX_ID}."],
        2: [f"Must be greater than or equal to 1 and less than or equal to {MAX_ID}."]})
