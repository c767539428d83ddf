"""Keyboard only (RGAA 7.3, 10.7, 12.8, 12.11): a representative activates their account, reaches
their profile and corrects their address without a pointer. At every Tab the focused element is
visibly outlined; a form sent back with errors puts the focus on the first error."""

from orientation.accounts.models import ActivationCode
from tests.browser.conftest import axe_check
from tests.browser.pages import Monde

MOT_DE_PASSE = "Un-mot-de-passe-solide-42"

_FOCUS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, quoi: 'body'};
  const s = getComputedStyle(el);
  // The DSFR draws some focus rings on a pseudo-element (enlarged links: the whole brand block).
  const avant = getComputedStyle(el, '::before');
  const contour = [s, avant].some(x => x.outlineStyle !== 'none' && parseFloat(x.outlineWidth) > 0);
  const ombre = s.boxShadow && s.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  return {visible: (contour || ombre) && r.width > 0 && r.height > 0,
          quoi: el.outerHTML.slice(0, 100), id: el.id};
}
"""


def tabuler_jusqua(page, selecteur: str, maximum: int = 60) -> None:
    """Press Tab until `selecteur` has the focus; every element met on the way shows its focus."""
    for _ in range(maximum):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS)
        if focus["quoi"] == "body":
            continue  # past the last element: the next Tab starts again from the top
        assert focus["visible"], f"focus invisible sur {focus['quoi']}"
        if page.evaluate("s => document.activeElement.matches(s)", selecteur):
            return
    raise AssertionError(f"{selecteur} jamais atteint au clavier")


def test_activation_et_profil_au_clavier_seul(page):
    monde = Monde()
    responsable = monde.famille_a_activer()
    code = ActivationCode.issue(responsable.user)

    page.goto("/compte/activer/")
    # First Tab: the skip links, visible when focused; "Contenu" jumps over the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#content"
    assert page.evaluate(_FOCUS)["visible"]
    page.keyboard.press("Enter")
    tabuler_jusqua(page, "#id_identifiant")
    page.keyboard.type(responsable.user.username)
    tabuler_jusqua(page, "#id_code")
    page.keyboard.type(code)
    tabuler_jusqua(page, "#id_password1")
    page.keyboard.type(MOT_DE_PASSE)
    tabuler_jusqua(page, "#id_password2")
    page.keyboard.type("pas-le-meme-mot-de-passe")
    tabuler_jusqua(page, "#content button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Sent back: the focus is on the field in error (the confirmation), which names its message.
    assert page.evaluate("document.activeElement.id") == "id_password2"
    assert page.title().startswith("Erreur")
    axe_check(page, "accounts:activer[erreurs-clavier]")

    # The passwords are not sent back: the person types both again.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "id_password1"
    page.keyboard.type(MOT_DE_PASSE)
    tabuler_jusqua(page, "#id_password2")
    page.keyboard.type(MOT_DE_PASSE)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field submits its form
    assert "Votre compte est activé" in page.locator("#content").inner_text()

    # To the profile through the header's link, then a wrong address, then the right one.
    tabuler_jusqua(page, "a[href='/compte/profil/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tabuler_jusqua(page, "#id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("pas-une-adresse")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    page.keyboard.press("Control+A")
    page.keyboard.type("parent.corrige@exemple.fr")
    if page.locator("#content form[action$='/profil/adresse/'] [type=password]").count():
        tabuler_jusqua(page, "#content form[action$='/profil/adresse/'] [type=password]")
        page.keyboard.type(MOT_DE_PASSE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "adresse électronique est enregistrée" in page.locator("#content").inner_text()
    axe_check(page, "accounts:profil[clavier]")
