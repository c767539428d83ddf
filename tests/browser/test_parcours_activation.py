"""The first journey: a representative activates their account, with the code of the printed
letter or with the e-mail's link, logs in and sees their child. On a desktop and on a phone, each
ending with an axe-core scan."""

from orientation.accounts.activation import envoyer_activation
from orientation.notifications.models import Notification
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.browser.outils import connecter
from tests.browser.pages import Monde

MOT_DE_PASSE = "Un-mot-de-passe-solide-42"


def _representant_a_activer(monde, email=""):
    responsable = monde.famille_a_activer()
    if email:
        responsable.email = responsable.user.email = email
        responsable.save(update_fields=["email"])
        responsable.user.save(update_fields=["email"])
    return responsable


def _se_deconnecter(ecran):
    if ecran.locator("#bouton-menu-mobile").is_visible():
        ecran.locator("#bouton-menu-mobile").click()
        ecran.locator("#menu-mobile").get_by_role("button", name="Se déconnecter").click()
    else:
        ecran.get_by_role("button", name="Se déconnecter").click()
    ecran.wait_for_url("**/compte/connexion/")


def test_activation_avec_le_code_de_la_lettre_puis_connexion(ecran, request):
    monde = Monde()
    responsable = _representant_a_activer(monde)
    enfant = responsable.liens.get().eleve

    # The school's secretariat prints the letters of the accounts without an address.
    connecter(ecran, monde.secretariat)
    ecran.goto(f"/compte/etablissement/{monde.uai}/familles/")
    ecran.locator("form[action$='/familles/lettres/']").get_by_role(
        "button", name="Page à imprimer"
    ).click()
    lettre = ecran.locator("article.lettre", has_text=responsable.nom)
    identifiant = lettre.locator("dt:has-text('Identifiant') + dd").inner_text().strip()
    code = lettre.locator("dt:has-text('Code d') + dd").inner_text().strip()
    axe_check(ecran, "accounts:lettres")
    ecran.context.clear_cookies()

    # The representative types the letter's identifier and code, and chooses a password.
    ecran.goto("/")
    ecran.wait_for_url("**/compte/connexion/**")
    ecran.get_by_role("link", name="Première connexion : activer mon compte").click()
    ecran.locator("#id_identifiant").fill(identifiant)
    ecran.locator("#id_code").fill(code.lower())  # typed as it comes
    ecran.locator("#id_password1").fill(MOT_DE_PASSE)
    ecran.locator("#id_password2").fill(MOT_DE_PASSE)
    ecran.get_by_role("button", name="Activer mon compte").last.click()
    ecran.wait_for_url("**/")
    assert "Votre compte est activé" in ecran.locator("#content").inner_text()

    # Later: logs out, logs in with the password, sees the child.
    _se_deconnecter(ecran)
    ecran.locator("#id_username").fill(identifiant)
    ecran.locator("#id_password").fill(MOT_DE_PASSE)
    ecran.locator("#content").get_by_role("button", name="Se connecter").click()
    carte = ecran.locator(".carte-enfant")
    assert enfant.prenom in carte.inner_text()
    assert enfant.nom in carte.inner_text()
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"parcours-activation-code-{request.node.callspec.id}", request)
    axe_check(ecran, "accueil")


def test_activation_par_le_lien_du_courriel(ecran, request):
    monde = Monde()
    responsable = _representant_a_activer(monde, email="parent.a.activer@exemple.fr")
    enfant = responsable.liens.get().eleve
    envoyer_activation(responsable.user, nom=str(responsable.user))
    courriel = Notification.objects.get(evenement="activation")

    # The e-mail as the representative's mail client shows it (its HTML body), then its link.
    ecran.set_content(courriel.corps_html)
    axe_check(ecran, "courriel:activation")
    lien = ecran.get_by_role("link", name="Activer mon compte").get_attribute("href")
    ecran.goto(lien)
    assert ecran.locator("h1").inner_text()
    axe_check(ecran, "accounts:activer_lien[formulaire]")

    # A too short password first: the error is tied to its field and gets the focus.
    ecran.locator("#id_new_password1").fill("court")
    ecran.locator("#id_new_password2").fill("court")
    ecran.locator("#content").get_by_role("button").last.click()
    ecran.wait_for_load_state()
    confirmation = ecran.locator("#id_new_password2")  # Django reports the rule there
    assert confirmation.get_attribute("aria-invalid") == "true"
    assert (
        "10 caractères"
        in ecran.locator("#" + confirmation.get_attribute("aria-describedby")).inner_text()
    )
    assert ecran.evaluate("document.activeElement.id") == "id_new_password2"
    assert ecran.title().startswith("Erreur")
    axe_check(ecran, "accounts:activer_lien[erreurs]")

    ecran.locator("#id_new_password1").fill(MOT_DE_PASSE)
    confirmation.fill(MOT_DE_PASSE)
    ecran.locator("#content").get_by_role("button").last.click()
    ecran.wait_for_url("**/")
    assert enfant.prenom in ecran.locator(".carte-enfant").inner_text()
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"parcours-activation-lien-{request.node.callspec.id}", request)
    axe_check(ecran, "accueil")
