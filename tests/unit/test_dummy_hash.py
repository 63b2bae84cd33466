"""The hash an unknown address is checked against costs what a real password's does."""

from werkzeug.security import check_password_hash, generate_password_hash

from tisc.services import accounts


def test_the_dummy_hash_is_a_scrypt_hash_of_the_default_cost():
    real = generate_password_hash("a password", method="scrypt")
    assert accounts._DUMMY_HASH.split("$")[0] == real.split("$")[0]  # scrypt:32768:8:1
    assert check_password_hash(accounts._DUMMY_HASH, "not a password")
    assert not check_password_hash(accounts._DUMMY_HASH, "a password")
