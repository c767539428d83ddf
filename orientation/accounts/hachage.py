"""Password hashing: Argon2id with one of OWASP's recommended configurations
(docs/adr/0005-argon2-owasp.md, docs/adr/0007-argon2-7-mio.md), verified by libsodium
(docs/adr/0006-argon2-libsodium.md).

Django's defaults (100 MiB, 2 passes, 8 lanes) cost ~240 ms of CPU per login on this hardware;
at the national peak logins alone would need more cores than every page together. OWASP's
Password Storage Cheat Sheet lists five configurations that "provide an equal level of
defense", from 46 MiB and 1 pass to 7 MiB and 5 passes. The service takes the last one: its
7 MiB stay in the processor's cache where 19 MiB do not, and a verification costs half the CPU
of the 19 MiB, 2-pass configuration (ADR 0007). A hash made with other parameters is still
accepted and is recomputed with these at the next successful login (Django's `must_update`).

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
    # OWASP: "m=7168 (7 MiB), t=5, p=1", equal in defence to 19 MiB and 2 passes (ADR 0007).
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
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
