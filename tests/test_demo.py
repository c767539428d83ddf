"""`make demo` announces the service only once its web server accepts connections."""

import socket
import subprocess
import sys
import threading
import time

from orientation.demo import attendre_le_service


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_le_service_est_annonce_quand_le_serveur_accepte_les_connexions():
    port = _port()
    serveur = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    ecoute = socket.socket()
    try:

        def ouvrir():
            time.sleep(0.5)  # the server takes a moment to listen
            ecoute.bind(("127.0.0.1", port))
            ecoute.listen()

        threading.Thread(target=ouvrir).start()
        debut = time.monotonic()
        assert attendre_le_service(port, serveur, delai=10)
        assert time.monotonic() - debut >= 0.4  # it waited for the port, not for nothing
    finally:
        ecoute.close()
        serveur.kill()
        serveur.wait()


def test_un_serveur_arrete_n_est_pas_annonce():
    serveur = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    serveur.wait()
    assert not attendre_le_service(_port(), serveur, delai=10)
