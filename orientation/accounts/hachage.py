"""Password hashing: Argon2id with OWASP's recommended parameters (docs/adr/0005-argon2-owasp.md).

Django's defaults (100 MiB, 2 passes, 8 lanes) cost ~240 ms of CPU per login on this hardware;
at the national peak logins alone would need more cores than every page together. OWASP's
Password Storage Cheat Sheet gives equivalent-strength configurations; the first, 19 MiB,
2 passes, 1 lane, costs ~26 ms. A hash made with other parameters is still accepted and is
recomputed with these at the next successful login (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idOWASP(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
