"""The end of a session in the browser: the warning and « Rester connecté » (RGAA 13.1, WCAG
2.2.1), typing that keeps the session without asking, and an avis of the council's grid sent after
the end, given back in its pupil's form after the login (accounts/reprise.py)."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils.module_loading import import_string

from orientation.accounts.middleware import DERNIERE_ACTIVITE
from orientation.dialogue.models import Avis, Voeu
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.browser.outils import connecter
from tests.factories import MOT_DE_PASSE, classe_du_conseil, famille

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(page) -> SessionBase:
    cle = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key=cle)


def _inactif_depuis(page, secondes) -> None:
    session = _session(page)
    session[DERNIERE_ACTIVITE] = int(time.time()) - secondes
    session.save()


def test_avertissement_puis_rester_connecte(ecran, settings):
    # The dialog comes 10 s before a 14 s idle timeout (plus the page's 2 s margin): ≈ 6 s.
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_PREAVIS = 14, 10
    dossier, (representant,) = famille(representants=1)
    connecter(ecran, representant.user)
    ecran.goto(reverse("dialogue:famille_dossier", args=[dossier.pk]))
    modale = ecran.get_by_role("alertdialog", name="Votre session va se terminer")
    modale.wait_for(state="visible", timeout=15_000)
    assert "Sans action de votre part, votre session se terminera à" in modale.inner_text()
    no_horizontal_scroll(ecran)
    axe_check(ecran, "fin de session : avertissement")
    avant = _session(ecran)[DERNIERE_ACTIVITE]
    time.sleep(1.1)
    modale.get_by_role("button", name="Rester connecté").click()
    modale.wait_for(state="hidden")
    assert _session(ecran)[DERNIERE_ACTIVITE] > avant  # the idle timeout starts again
    assert ecran.get_by_role("heading", level=1).is_visible()


def test_qui_tape_garde_sa_session_sans_avertissement(page, settings):
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_PREAVIS = 14, 10
    dossier, (representant,) = famille(representants=1)
    connecter(page, representant.user)
    page.goto(reverse("dialogue:famille_intentions", args=[dossier.pk]))
    avant = _session(page)[DERNIERE_ACTIVITE]
    page.get_by_label("Voie d'orientation").first.select_option("technologique")
    # When the warning was due, the page told the server instead of asking.
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:prolonger"))):
        pass
    assert _session(page)[DERNIERE_ACTIVITE] > avant
    assert not page.locator("#fin-de-session").is_visible()


def test_l_avis_envoye_apres_la_fin_revient_dans_la_grille(ecran):
    division, pp, dossiers = classe_du_conseil(eleves=2)
    connecter(ecran, pp)
    grille = reverse("dialogue:conseil", args=[division.pk, "provisoire"])
    ecran.goto(grille)
    bloc = ecran.locator(f"#eleve-{dossiers[1].pk}")
    bloc.locator("input[value=defavorable]").first.check(force=True)
    bloc.locator("input[name^=motif-]").first.fill("Résultats fragiles en mathématiques")
    _inactif_depuis(ecran, settings.SESSION_IDLE_TIMEOUT + 5)  # back from a long break

    bloc.get_by_role("button", name="Enregistrer").click()
    ecran.wait_for_url("**/compte/connexion/**")
    assert "votre saisie vous sera présentée à nouveau" in ecran.locator("#content").inner_text()
    assert not Avis.objects.exists()
    ecran.locator("#id_username").fill(pp.username)
    ecran.locator("#id_password").fill(MOT_DE_PASSE)
    ecran.locator("#content").get_by_role("button", name="Se connecter").click()
    ecran.wait_for_url(f"**{grille}")

    # Back in the grid, above that pupil's form, focused; the avis and its reason are there.
    avis = ecran.locator(f"#eleve-{dossiers[1].pk} #saisie-reprise")
    avis.wait_for(state="visible")
    assert ecran.evaluate("document.activeElement.id") == "saisie-reprise"
    assert "rien n'a été enregistré" in avis.inner_text()
    bloc = ecran.locator(f"#eleve-{dossiers[1].pk}")
    assert bloc.locator("input[value=defavorable]").first.is_checked()
    assert bloc.locator("input[name^=motif-]").first.input_value() == (
        "Résultats fragiles en mathématiques"
    )
    assert not Avis.objects.exists()  # only put back, not saved
    no_horizontal_scroll(ecran)
    axe_check(ecran, "conseil : saisie reprise après la fin de session")

    bloc.get_by_role("button", name="Enregistrer").click()
    ecran.wait_for_selector(f"#eleve-{dossiers[1].pk} .fr-alert--success")
    voeu = Voeu.objects.get(dossier=dossiers[1], rang=1)
    enregistre = Avis.objects.get(voeu=voeu)
    assert (enregistre.valeur, enregistre.motif) == (
        "defavorable",
        "Résultats fragiles en mathématiques",
    )


def test_la_fin_venue_la_fenetre_le_dit_et_ramene_a_la_page(page, settings):
    """Nobody answered the warning: once the time has run out the dialog says so, and its login
    link brings back to this page."""
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_PREAVIS = 6, 4
    dossier, (representant,) = famille(representants=1)
    connecter(page, representant.user)
    adresse = reverse("dialogue:famille_dossier", args=[dossier.pk])
    page.goto(adresse)
    modale = page.get_by_role("alertdialog", name="Votre session est terminée")
    modale.wait_for(state="visible", timeout=15_000)
    assert "votre saisie vous sera présentée à nouveau" in modale.inner_text()
    assert not modale.get_by_role("button", name="Rester connecté").is_visible()
    axe_check(page, "fin de session : terminée")
    modale.get_by_role("link", name="Se reconnecter").click()
    page.wait_for_url(f"**/compte/connexion/?next={adresse.replace('/', '%2F')}")
    assert "Votre session a expiré" in page.locator("#content").inner_text()


def test_un_autre_onglet_qui_garde_la_session_ferme_l_avertissement(page, settings):
    """Two tabs, one session: « Rester connecté » in one tab closes the warning in the other,
    which would otherwise announce an end that no longer comes."""
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_PREAVIS = 14, 10
    dossier, (representant,) = famille(representants=1)
    connecter(page, representant.user)
    adresse = reverse("dialogue:famille_dossier", args=[dossier.pk])
    page.goto(adresse)
    autre = page.context.new_page()
    autre.goto(adresse)
    modales = [
        onglet.get_by_role("alertdialog", name="Votre session va se terminer")
        for onglet in (page, autre)
    ]
    for modale in modales:
        modale.wait_for(state="visible", timeout=15_000)
    modales[1].get_by_role("button", name="Rester connecté").click()
    # Both closed within 3 s, long before the first tab's own end (10 s after the warning).
    for onglet in (autre, page):
        onglet.wait_for_selector("#fin-de-session:not([open])", timeout=3_000)
