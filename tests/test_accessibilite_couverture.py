"""Every URL of the service is either scanned by the accessibility sweep (tests/browser/pages.py)
or excluded there with a reason: a new page missing from both fails here, fast, without a
browser."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.pages import EXCLUSIONS, PAGES

# Whole namespaces that are not the service's pages.
ESPACES_EXCLUS = {"admin"}  # Django's admin: the académie's back office, not a public page


def _noms(patterns, espace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in ESPACES_EXCLUS:
                continue
            yield from _noms(p.url_patterns, f"{espace}{ns}:" if ns else espace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{espace}{p.name}"


def test_chaque_page_est_balayee_ou_exclue_avec_une_raison():
    noms = set(_noms(get_resolver().url_patterns))
    couvertes = {p.nom for p in PAGES}
    oubliees = sorted(noms - couvertes - set(EXCLUSIONS))
    assert not oubliees, (
        "Pages absentes du balayage d'accessibilité : ajoutez-les à PAGES (ou à EXCLUSIONS avec "
        f"une raison) dans tests/browser/pages.py : {oubliees}"
    )


def test_les_listes_ne_nomment_que_des_pages_qui_existent():
    noms = set(_noms(get_resolver().url_patterns))
    inconnues = sorted(({p.nom for p in PAGES} | set(EXCLUSIONS)) - noms)
    assert not inconnues, f"Noms d'URL inconnus dans tests/browser/pages.py : {inconnues}"


def test_une_page_n_est_pas_a_la_fois_balayee_et_exclue():
    assert not {p.nom for p in PAGES} & set(EXCLUSIONS)


def test_chaque_exclusion_dit_pourquoi():
    assert all(raison.strip() for raison in EXCLUSIONS.values())


def test_declaration_d_accessibilite_complete_et_liee_depuis_le_pied_de_page(client, db):
    """Loi n° 2005-102, art. 47 and RGAA: the statement says the state of conformity, what is not
    conform, how to reach the service and the recourse to the Défenseur des droits."""
    texte = client.get("/accessibilite/").content.decode()
    for attendu in [
        "partiellement conforme",
        "Contenus non accessibles",
        "Retour d'information et contact",
        "mailto:",
        "Voies de recours",
        "Défenseur des droits",
        "formulaire.defenseurdesdroits.fr",
    ]:
        assert attendu in texte, attendu
    pied = client.get("/compte/connexion/").content.decode()
    assert 'href="/accessibilite/">Accessibilité : partiellement conforme' in pied


def test_chaque_icone_dsfr_des_gabarits_existe():
    """An icon class missing from the DSFR draws a plain square in its place."""
    import re
    from pathlib import Path

    import dsfr

    icones = (
        Path(dsfr.__file__).parent / "static/dsfr/dist/utility/icons/icons.min.css"
    ).read_text()
    racine = Path(__file__).resolve().parents[1] / "orientation"
    inconnues = set()
    for gabarit in racine.rglob("*.html"):
        for classe in re.findall(r"\bfr-icon-[a-z0-9][a-z0-9-]*", gabarit.read_text()):
            if not re.search(re.escape(classe) + r"[:,{\s]", icones):
                inconnues.add(f"{gabarit.relative_to(racine)}: {classe}")
    assert not inconnues, sorted(inconnues)


def test_chaque_etat_de_la_fiche_est_balaye_du_cote_de_la_famille():
    """Each state of the fiche on the family's dossier page, and each step after the council on
    the response page (tests/factories.ETAPES_APRES_LE_CONSEIL)."""
    from orientation.dialogue.models import Etat
    from tests.factories import ETAPES_APRES_LE_CONSEIL

    def etats(nom):
        return {p.etat for p in PAGES if p.nom == nom and p.famille}

    assert not set(Etat.values) - etats("dialogue:famille_dossier")
    attendues = {Etat.PROPOSITIONS_PUBLIEES, *ETAPES_APRES_LE_CONSEIL}
    assert not attendues - etats("dialogue:reponse")
