"""Password hashing: Argon2id with OWASP's recommended parameters (docs/adr/0005-argon2-owasp.md),
verified by libsodium (docs/adr/0006-argon2-libsodium.md).

Django's defaults (100 MiB, 2 passes, 8 lanes) cost ~240 ms of CPU per login on this hardware;
at the national peak logins alone would need more cores than every page together. OWASP's
Password Storage Cheat Sheet gives equivalent-strength configurations; the first, 19 MiB,
2 passes, 1 lane, costs ~26 ms. A hash made with other parameters is still accepted and is
recomputed with these at the next successful login (Django's `must_update`).

A login verifies a hash; an account's creation, a password change or a rehash encodes one.
argon2-cffi (Django's hasher) runs Argon2's portable SSE2 code; libsodium, through PyNaCl, picks
its AVX2 or AVX-512 code at run time and verifies the same hash, same parameters, same result,
in half the CPU. Encoding stays with argon2-cffi: Django hands the hasher its salt, a 22-byte
string that libsodium's API (16-byte salts) cannot take; the strings they write are the same
standard PHC format, so either library reads the other's.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.encoding import force_bytes
from nacl import exceptions as nacl_exceptions
from nacl import pwhash

# libsodium's longest encoded hash (crypto_pwhash_STRBYTES, terminating NUL excluded).
_LONGUEUR_MAX_SODIUM = 127


class Argon2idOWASP(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def verify(self, password, encoded):
        algorithm, rest = encoded.split("$", 1)
        assert algorithm == self.algorithm
        phc = "$" + rest  # the standard string: $argon2id$v=19$m=…,t=…,p=…$salt$hash
        if not phc.startswith("$argon2id$") or len(phc) > _LONGUEUR_MAX_SODIUM:
            return super().verify(password, encoded)  # Argon2i/d, or salts longer than ours
        try:
            # Compares in constant time; any mismatch or malformed hash raises InvalidkeyError.
            return pwhash.argon2id.verify(force_bytes(phc), force_bytes(password))
        except nacl_exceptions.InvalidkeyError:
            return False
