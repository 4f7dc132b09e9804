"""API key making and checking: the key's shape, its stored digest, constant-time checks."""

from __future__ import annotations

from api.security import KEY_PREFIX, generate_key, hash_secret, secret_matches, split_key


def test_a_new_key_reads_prefix_id_secret_and_only_its_digest_is_kept() -> None:
    key = generate_key()
    parts = split_key(key.text)
    assert parts is not None
    key_id, secret = parts
    assert key.text == f"{KEY_PREFIX}_{key_id}_{secret}"
    assert key_id == key.key_id and len(key_id) == 12
    assert key.digest == hash_secret(key.salt, secret)
    assert secret not in (key.digest, key.salt)
    other = generate_key()
    assert (other.key_id, other.salt) != (key.key_id, key.salt)


def test_only_the_right_secret_matches() -> None:
    key = generate_key()
    parts = split_key(key.text)
    assert parts is not None
    secret = parts[1]
    assert secret_matches(secret, salt=key.salt, digest=key.digest)
    assert not secret_matches(secret + "x", salt=key.salt, digest=key.digest)
    assert not secret_matches(secret, salt=generate_key().salt, digest=key.digest)


def test_text_not_shaped_like_a_key_is_refused() -> None:
    for text in ("", "garbage", "rk_only", "xx_abc_def"):
        assert split_key(text) is None
    # The secret may itself hold underscores.
    assert split_key("rk_abc_de_f") == ("abc", "de_f")
