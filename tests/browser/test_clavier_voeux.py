"""Keyboard only, on the family's pages: a representative enters two intentions, puts the second
first with « Monter », validates; then, once the council answered, responds to it. No pointer;
the focus is visible at every Tab (RGAA 7.3, 10.7, 12.8)."""

from tests.browser.conftest import axe_check
from tests.browser.outils import connecter
from tests.browser.pages import Monde
from tests.browser.test_clavier import tabuler_jusqua


def _choisir(page, selecteur, valeur):
    """A closed select, with the arrow keys only, until it shows `valeur`."""
    tabuler_jusqua(page, selecteur)
    page.keyboard.press("Home")
    for _ in range(12):
        if page.evaluate("s => document.querySelector(s).value", selecteur) == valeur:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{valeur} introuvable au clavier dans {selecteur}")


def _appuyer_sur(page, selecteur):
    tabuler_jusqua(page, selecteur)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_saisir_reordonner_et_valider_les_intentions_au_clavier(page):
    monde = Monde()
    dossier, (mere, _pere) = monde.famille("intentions_ouvertes")
    connecter(page, mere.user)
    page.goto(f"/dossier/{dossier.pk}/intentions/")

    _choisir(page, "#id_v1-famille", "technologique")
    _choisir(
        page,
        "#id_v1-serie",
        page.evaluate("document.querySelector('#id_v1-serie').options[1].value"),
    )
    _appuyer_sur(page, "button[value=ajouter]")
    _choisir(page, "#id_v2-famille", "professionnelle")
    _choisir(
        page,
        "#id_v2-option",
        page.evaluate("document.querySelector('#id_v2-option').options[1].value"),
    )

    # « Monter le choix n° 2 »: the vocational request becomes the first choice.
    _appuyer_sur(page, "button[value=haut-2]")
    assert page.locator("#id_v1-famille").input_value() == "professionnelle"
    assert page.locator("#id_v2-famille").input_value() == "technologique"
    axe_check(page, "dialogue:famille_intentions[clavier]")

    _appuyer_sur(page, "button[value=valider]")
    assert "/recapitulatif/" in page.url
    texte = page.locator("#content").inner_text()
    assert texte.index("voie professionnelle") < texte.index("1re technologique")
    axe_check(page, "dialogue:famille_recapitulatif[clavier]")


def test_repondre_au_conseil_au_clavier(page):
    monde = Monde()
    dossier, (mere, _pere) = monde.famille("propositions_publiees")
    connecter(page, mere.user)
    page.goto(f"/dossier/{dossier.pk}/reponse/")
    formulaire = "form[action$='/reponse/']"
    # Submitted without a choice: the focus goes to the error.
    _appuyer_sur(page, f"{formulaire} [type=submit]")
    assert page.title().startswith("Erreur")
    focus = page.evaluate(
        "document.activeElement.closest("
        "'.fr-fieldset--error, .fr-alert--error, .fr-input-group--error') !== null"
    )
    assert focus, "le focus n'est pas sur l'erreur"
    # « J'accepte » with the space bar, one proposal checked, then Enter on the button.
    tabuler_jusqua(page, f"{formulaire} input[type=radio][value=accepte]")
    page.keyboard.press("Space")
    tabuler_jusqua(page, f"{formulaire} input[type=checkbox]")
    page.keyboard.press("Space")
    _appuyer_sur(page, f"{formulaire} [type=submit]")
    assert not page.title().startswith("Erreur")
    assert "La réponse de la famille" in page.locator("#content").inner_text()
    axe_check(page, "dialogue:reponse[clavier]")


def test_reordonner_au_toucher_sur_telephone(phone):
    """The « Monter » / « Descendre » buttons are tapped on a phone: 44 px targets, no
    horizontal scrolling, the order changes."""
    from tests.browser.outils import largeur_sans_defilement, petites_cibles

    monde = Monde()
    dossier, (mere, _pere) = monde.famille("intentions_ouvertes")
    connecter(phone, mere.user)
    phone.goto(f"/dossier/{dossier.pk}/intentions/")
    phone.locator("#id_v1-famille").select_option("technologique")
    with phone.expect_navigation():
        phone.locator("button[value=ajouter]").tap()
    phone.locator("#id_v2-famille").select_option("professionnelle")
    assert not petites_cibles(phone)
    contenu, ecran = largeur_sans_defilement(phone)
    assert contenu <= ecran
    with phone.expect_navigation():
        phone.locator("button[value=haut-2]").tap()
    assert phone.locator("#id_v1-famille").input_value() == "professionnelle"
    with phone.expect_navigation():
        phone.locator("button[value=bas-1]").tap()
    assert phone.locator("#id_v1-famille").input_value() == "technologique"
    axe_check(phone, "dialogue:famille_intentions[toucher]")
