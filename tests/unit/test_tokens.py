"""Account links' payloads: made and read only in their purpose's shape."""

import pytest

from tisc.tokens import make_token


@pytest.mark.parametrize(
    ("purpose", "payload"),
    [
        ("reset", {"user": 1}),
        ("reset", {"user": 1, "version": "1"}),
        ("verify", {"user": 1, "email": "a@b.kz", "extra": 1}),
        ("email", {"user": 0, "old": "a@b.kz", "new": "c@d.kz"}),
    ],
)
def test_a_payload_out_of_its_shape_is_never_signed(purpose, payload):
    with pytest.raises(ValueError, match=purpose):
        make_token(purpose, payload)
