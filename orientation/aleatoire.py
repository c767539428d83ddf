"""Random strings for the CSRF tokens, drawn from one read of the system's random source.

Django masks the CSRF secret with a new random string on every page that shows a form — here
every page of a signed-in person, the header's logout button being a form (django.middleware.csrf,
BREACH protection). Its get_random_string() draws each character by secrets.choice(): one read
of the system's random source (a getrandom() system call) per character, 32 per page, ≈ 90 µs
of CPU on the bench machine, more than 1 % of a family page (docs/performance.md).

chaine_aleatoire() draws the same characters from one secrets.token_bytes() call: a byte below
the largest multiple of the alphabet's length stands for the character of its remainder, so that
each character has exactly as many bytes as any other; the bytes above are dropped (rejection
sampling, as secrets.choice() does with bits) and more are drawn when too many were. Uniform and
independent characters from the same source, as Django's; an alphabet that is not ASCII or has
more than 256 characters goes to Django's function."""

import functools
import secrets

from django.utils.crypto import RANDOM_STRING_CHARS, get_random_string


@functools.lru_cache(maxsize=8)
def _table(alphabet: str) -> tuple[bytes, bytes]:
    """bytes.translate()'s table (byte -> character) and the bytes to drop, for `alphabet`."""
    n = len(alphabet)
    limite = 256 - 256 % n
    table = bytes(ord(alphabet[b % n]) if b < limite else 0 for b in range(256))
    return table, bytes(range(limite, 256))


def chaine_aleatoire(length, allowed_chars=RANDOM_STRING_CHARS, *, octets=secrets.token_bytes):
    """Django's get_random_string(): `length` characters of `allowed_chars`, each drawn uniformly
    and independently from the system's random source. `octets` is that source (tests)."""
    if not (allowed_chars.isascii() and 0 < len(allowed_chars) <= 256):
        return get_random_string(length, allowed_chars)
    table, rejetes = _table(allowed_chars)
    tires = b""
    while len(tires) < length:
        # A few bytes more than needed: one draw is nearly always enough.
        tires += octets(length - len(tires) + 8).translate(table, rejetes)
    return tires[:length].decode("ascii")


def installer() -> None:
    """Django's CSRF tokens (new secrets and the masks of every page) drawn by chaine_aleatoire:
    django.middleware.csrf looks get_random_string up in its module at each call."""
    from django.middleware import csrf

    csrf.get_random_string = chaine_aleatoire
