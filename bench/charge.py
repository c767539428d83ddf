"""The load generator: processes of virtual users replaying sessions over keep-alive HTTP/1.1
(http.client, no third-party client), on the loopback only.

Each process runs `utilisateurs` virtual users cooperatively (one request at a time per process,
round-robin between its users' journeys), which keeps the generator light: it spends its time
waiting for the server, not computing. Every request is timed; results go back to the parent as
lists of (start, duration_ms, status_ok, kind).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import multiprocessing as mp
import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def paires_du_formulaire(donnees) -> list[tuple]:
    """A form's data as (name, value) pairs: given as a dict, or as pairs when a name repeats
    (ticked boxes of one group)."""
    return list(donnees.items()) if isinstance(donnees, dict) else list(donnees or [])


class Client:
    """One browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def _entetes(self):
        h = {
            "Host": f"127.0.0.1:{self.port}",
            # Plain HTTP on the loopback behind a "proxy" that terminated TLS (docs/performance.md).
            "X-Forwarded-Proto": "https",
            "User-Agent": "orientation-bench",
            "Accept-Language": "fr",
            # What the proxy adds (nginx "t=${msec}"): the waiting room reads the queue time.
            "X-Request-Start": f"t={time.time():.3f}",
        }
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return h

    def requete(self, methode, chemin, donnees=None, entetes=None):
        h = self._entetes() | (entetes or {})
        corps = None
        if methode == "POST":
            paires = [
                (k, v) for k, v in paires_du_formulaire(donnees) if k != "csrfmiddlewaretoken"
            ]
            paires.append(("csrfmiddlewaretoken", self.csrf or self.cookies.get("csrftoken", "")))
            corps = urlencode(paires, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h["Origin"] = f"https://127.0.0.1:{self.port}"
            h["Referer"] = f"https://127.0.0.1:{self.port}{chemin}"
        for essai in (0, 1):
            try:
                self.conn.request(methode, chemin, body=corps, headers=h)
                r = self.conn.getresponse()
                texte = r.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if essai:
                    raise
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                nom, _, reste = v.partition("=")
                valeur = reste.split(";", 1)[0]
                if valeur in ('""', ""):
                    self.cookies.pop(nom, None)
                else:
                    self.cookies[nom] = valeur
        m = CSRF.search(texte)  # on the bytes: the generator shares the machine's two cores
        if m:
            self.csrf = m.group(1).decode()
        return r.status, r.getheader("Location", ""), texte


# --- journeys: generators yielding (method, path, data, expected statuses, kind) -----------------
# Each yield receives the response's body (bytes) back, so that a journey can follow links and
# submit the forms it was shown.

OK = (200,)
REDIRECT = (302, 303)
GRILLE = re.compile(r'href="(/dossier/conseil/\d+/(?:provisoire|definitive)/)"')


def _connexion(username, mot_de_passe):
    yield "GET", "/compte/connexion/", None, OK, "connexion"
    yield (
        "POST",
        "/compte/connexion/",
        {"username": username, "password": mot_de_passe},
        REDIRECT,
        "connexion",
    )
    accueil = yield "GET", "/", None, OK, "famille"
    return accueil


def listes_a_valider(specialites) -> tuple[dict, dict]:
    """The two lists a family validates in turn, so that every validation changes the list: 1re
    générale with four spécialités of the school's offer (R9) then 1re STMG; or 1re STI2D."""
    generale = {
        "nb_lignes": "2",
        "v1-famille": "generale",
        "v1-spe_etab": list(specialites),
        "v2-famille": "technologique",
        "v2-serie": "STMG",
    }
    techno = {"nb_lignes": "1", "v1-famille": "technologique", "v1-serie": "STI2D"}
    return generale, techno


def famille(f, mot_de_passe, visites, rnd, specialites=()):
    """A representative: logs in, reads the dossier, validates the intentions (an e-mail is
    enqueued) or responds to the council, reads the summary, and logs out."""
    listes = listes_a_valider(specialites)
    yield from _connexion(f["username"], mot_de_passe)
    d = f["dossier"]
    for v in range(visites):
        yield "GET", f"/dossier/{d}/", None, OK, "famille"
        if f["stade"] == "intentions":
            yield "GET", f"/dossier/{d}/intentions/", None, OK + REDIRECT, "famille"
            liste = listes[v % 2] | {"action": "valider"}
            yield "POST", f"/dossier/{d}/intentions/", liste, REDIRECT, "famille"
            yield "GET", f"/dossier/{d}/recapitulatif/intentions/", None, OK, "famille"
        else:
            yield "GET", f"/dossier/{d}/reponse/", None, OK, "famille"
            if v == 0 and f.get("proposition"):
                yield (
                    "POST",
                    f"/dossier/{d}/reponse/",
                    {"choix": "accepte", "propositions": str(f["proposition"])},
                    REDIRECT + OK,
                    "famille",
                )
                yield "GET", f"/dossier/{d}/reponse/", None, OK, "famille"
    yield "POST", "/compte/deconnexion/", {}, REDIRECT + OK, "famille"


class _Assez(Exception):
    pass


class _Formulaires(HTMLParser):
    """The forms of a page whose action contains `cible`: for each, its action and the values a
    browser would send (hidden and text fields, textareas, checked boxes; of each group of
    radios the checked one, or the first when none is). Reading stops at the `combien`-th form:
    the generator shares the bench's two cores with the server, and a whole grid is ≈ 70 KiB of
    HTML parsed in pure Python (8 ms) for the three pupils a visit saves."""

    def __init__(self, cible, combien=None):
        super().__init__()
        self.cible, self.trouves, self.courant, self.zone = cible, [], None, None
        self.combien = combien

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.cible in (a.get("action") or ""):
            self.courant = (html.unescape(a["action"]), [], {})
        elif self.courant is None:
            return
        elif tag == "input" and a.get("name"):
            _action, donnees, radios = self.courant
            genre = a.get("type", "text")
            if genre == "radio":
                if "checked" in a or a["name"] not in radios:
                    radios[a["name"]] = a.get("value", "")
            elif genre != "checkbox" or "checked" in a:
                donnees.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.zone = [a.get("name"), ""]

    def handle_data(self, data):
        if self.zone is not None:
            self.zone[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.zone is not None and self.courant is not None:
            self.courant[1].append(tuple(self.zone))
            self.zone = None
        elif tag == "form" and self.courant is not None:
            action, donnees, radios = self.courant
            self.trouves.append((action, donnees + list(radios.items())))
            self.courant = None
            if len(self.trouves) == self.combien:
                raise _Assez

    @classmethod
    def lire(cls, page: bytes, cible: str, combien=None) -> list[tuple[str, list]]:
        f = cls(cible, combien)
        # Parsed from the first form whose action names `cible` (the layout, the header's logout
        # form and the grid's summary hold nothing to read); a grid without any, read-only, is
        # not parsed at all.
        premiere = page.find(cible.encode())
        if premiere < 0:
            return []
        debut = page.rfind(b"<form", 0, premiere)
        with contextlib.suppress(_Assez):
            f.feed(page[max(debut, 0) :].decode("utf-8", "replace"))
        return f.trouves


FETCH = {"X-Requested-With": "fetch"}


def professeur(username, mot_de_passe, visites, par_visite=3):
    """A professeur principal during the council: opens the grids of the division the home page
    links to and saves pupils one after the other as the grid's script does (a fetch per pupil,
    answered with the pupil's block; favourable where nothing was chosen yet)."""
    accueil = yield from _connexion(username, mot_de_passe)
    grilles = sorted(set(GRILLE.findall(accueil.decode("utf-8", "replace"))))
    for _v in range(visites):
        for grille in grilles:
            page = yield "GET", grille, None, OK, "personnel"
            for action, donnees in _Formulaires.lire(page, "/eleve/", par_visite):
                # 409 is the grid's designed answer when the pupil's dossier changed since the
                # grid was read (a family of the same school validating meanwhile): not an error.
                yield "POST", action, donnees, OK + (409,), "personnel", FETCH
    yield "POST", "/compte/deconnexion/", {}, REDIRECT + OK, "personnel"


def chef(username, mot_de_passe, visites, chemins):
    """A head: the decisions list and the school's pilotage dashboard."""
    yield from _connexion(username, mot_de_passe)
    for _v in range(visites):
        for chemin in chemins:
            yield "GET", chemin, None, OK, "personnel"
    yield "POST", "/compte/deconnexion/", {}, REDIRECT + OK, "personnel"


def melange(manifeste, familles, profs, rnd, visites, pages_chef):
    """The sessions of the mixed journey, one after the other: 85 % representatives, 12 %
    professeurs principaux, 3 % heads, drawn by `rnd`; `pages_chef` with `{uai}` to fill."""
    mdp, nb_familles, nb_profs = manifeste["mot_de_passe"], 0, 0
    while True:
        tirage = rnd.random()
        if tirage < 0.85 or not profs:
            f = familles[nb_familles % len(familles)]
            nb_familles += 1
            yield famille(f, mdp, visites, rnd, manifeste["specialites_offertes"])
        elif tirage < 0.97:
            # In turn, not at random: two sessions of one process never share a grid.
            nb_profs += 1
            yield professeur(profs[nb_profs % len(profs)], mdp, visites)
        else:
            c = rnd.choice(manifeste["chefs"])
            yield chef(c["username"], mdp, visites, [p.format(uai=c["uai"]) for p in pages_chef])


def _travail(args):
    port, manifeste, indice, nb_proc, utilisateurs, fin_chauffe, fin, visites, pages_chef = args
    a_jouer = melange(
        manifeste,
        manifeste["familles"][indice::nb_proc],
        manifeste["professeurs"][indice::nb_proc] or manifeste["professeurs"],
        random.Random(indice),
        visites,
        pages_chef,
    )

    sessions = [[Client(port), next(a_jouer), None] for _ in range(utilisateurs)]
    mesures = []
    erreurs = []
    while time.time() < fin:
        for s in sessions:
            client, etapes, corps = s
            try:
                methode, chemin, donnees, attendus, nature, *entetes = etapes.send(corps)
            except StopIteration:
                client.conn.close()
                s[0], s[1], s[2] = Client(port), next(a_jouer), None
                continue
            t0 = time.time()
            try:
                status, location, s[2] = client.requete(methode, chemin, donnees, *entetes)
                ok = status in attendus
            except Exception as exc:  # noqa: BLE001 — counted as an error, never fatal
                status, ok = repr(exc)[:80], False
            t1 = time.time()
            if t0 >= fin_chauffe and t1 <= fin:
                mesures.append((t0, (t1 - t0) * 1000, ok, nature))
            if not ok:
                if len(erreurs) < 5:
                    erreurs.append(f"{methode} {chemin} → {status}")
                # A broken journey restarts with another person.
                client.conn.close()
                s[0], s[1], s[2] = Client(port), next(a_jouer), None
            if time.time() >= fin:
                break
    return mesures, erreurs


def charger(port, manifeste, *, processus, utilisateurs, duree, chauffe, visites, pages_chef):
    """Run the mixed journey; return the measures of the window [start + chauffe, start + duree]."""
    debut = time.time() + 0.5
    args = [
        (
            port,
            manifeste,
            i,
            processus,
            utilisateurs,
            debut + chauffe,
            debut + duree,
            visites,
            pages_chef,
        )
        for i in range(processus)
    ]
    with mp.get_context("fork").Pool(processus) as pool:
        resultats = pool.map(_travail, args)
    mesures = [m for r in resultats for m in r[0]]
    erreurs = [e for r in resultats for e in r[1]]
    return mesures, erreurs, duree - chauffe


def _marteau(args):
    port, chemin, fin, identifiants = args
    c = Client(port)
    if identifiants:
        c.requete("GET", "/compte/connexion/")
        c.requete(
            "POST",
            "/compte/connexion/",
            dict(zip(("username", "password"), identifiants, strict=True)),
        )
    n = err = 0
    debut = time.time()
    while time.time() < fin:
        try:
            status, _l, _c = c.requete("GET", chemin)
            n += 1
            err += status != 200
        except Exception:  # noqa: BLE001
            err += 1
            c = Client(port)
    return n, err, time.time() - debut


def debit_simple(port, chemins, *, duree, identifiants=None, manches=1):
    """Requests per second of URLs hammered by one keep-alive client each (logged in first when
    `identifiants` is given, one (username, password) per client): the best of `manches` rounds
    of `duree / manches` seconds, each on new connections, and the rate of every round.

    A keep-alive connection stays with the gunicorn worker that accepted it, and which worker
    accepts is the kernel's draw: two of the four connections on one worker leave another idle.
    On a page as light as /sante/ that draw alone moved the rate from 1,150 to 2,400 req/s
    between two runs of the same server; the best of a few draws measures the evenly spread
    load a proxy in front of many connections gives."""
    debits, erreurs = [], 0
    for _manche in range(manches):
        fin = time.time() + duree / manches
        args = [
            (port, c, fin, identifiants[i] if identifiants else None) for i, c in enumerate(chemins)
        ]
        with mp.get_context("fork").Pool(len(chemins)) as pool:
            res = pool.map(_marteau, args)
        debits.append(sum(n / t for n, _e, t in res))
        erreurs += sum(e for _n, e, _t in res)
    return max(debits), erreurs, debits


def percentile(valeurs, p):
    if not valeurs:
        return 0.0
    valeurs = sorted(valeurs)
    k = min(len(valeurs) - 1, max(0, round(p / 100 * (len(valeurs) - 1))))
    return valeurs[k]
