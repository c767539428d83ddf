"""A professeur principal fills the class council's grid of their division during the meeting
(R4; docs/conseil-de-classe.md): with and without JavaScript, keyboard only for the choices, on a
desktop and on a phone."""

from pathlib import Path

import pytest
from django.urls import reverse

from orientation.accounts.models import Role
from orientation.campagnes.models import Phase, Voie
from orientation.dialogue.models import Avis, Evenement, Voeu
from tests.browser.conftest import axe_check, no_horizontal_scroll
from tests.browser.outils import connecter
from tests.factories import CampagneFactory, DivisionFactory, PersonnelFactory, famille

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ECRANS = Path(__file__).resolve().parents[2] / "screenshots"


def _monde():
    campagne = CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement, code="2DE1")
    pp = PersonnelFactory(
        etablissement=campagne.etablissement,
        role=Role.PROFESSEUR_PRINCIPAL,
        divisions=[division],
        user__first_name="Nadia",
        user__last_name="Benali",
    ).user
    dossiers = []
    for nom in ("Arnaud", "Bernard", "Chevalier"):
        dossier, _ = famille(
            campagne,
            representants=1,
            eleve__division=division,
            eleve__nom=nom,
            intentions_validees=True,
        )
        dossiers.append(dossier)
    generale = Voie.objects.get(code="GENERALE")
    Voeu.objects.create(dossier=dossiers[0], phase=Phase.PROVISOIRE, rang=2, voie=generale)
    famille(campagne, representants=1, eleve__division=division, eleve__nom="Durand")
    return division, pp, dossiers


def _capture(page, nom):
    ECRANS.mkdir(exist_ok=True)
    page.screenshot(path=str(ECRANS / f"{nom}.png"), full_page=True)


def test_professeur_principal_remplit_la_grille(page, live_server):
    division, pp, (d1, d2, d3) = _monde()
    connecter(page, pp)
    page.goto(reverse("accueil"))
    page.get_by_role("link", name="Avis provisoires — 2DE1").click()
    page.wait_for_url(f"**{reverse('dialogue:conseil', args=[division.pk, 'provisoire'])}")
    assert page.get_by_text("La famille n'a rien saisi").is_visible()

    # Keyboard: the first radio of the first pupil, arrows move within the group.
    bloc1 = page.locator(f"#eleve-{d1.pk}")
    premier = bloc1.locator("input[type=radio]").first
    premier.focus()
    page.keyboard.press("ArrowRight")  # réservé
    assert bloc1.locator("input[value=reserve]").first.is_checked()
    # Réservé without a reason: refused next to the field, nothing saved (JS: no reload).
    page.locator(f"#eleve-{d2.pk} input[value=favorable]").check(force=True)  # typed, not yet saved
    bloc1.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector(f"#eleve-{d1.pk} .fr-error-text")
    assert not Avis.objects.exists()
    assert page.locator(f"#eleve-{d2.pk} input[value=favorable]").is_checked()  # not lost
    bloc1 = page.locator(f"#eleve-{d1.pk}")
    bloc1.locator("input[name^=motif-]").first.fill("Résultats fragiles en mathématiques")
    bloc1.locator("input[value=favorable]").nth(1).check(force=True)
    bloc1.locator("summary").first.click()
    bloc1.get_by_label("Mathématiques").first.check(force=True)
    bloc1.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector(f"#eleve-{d1.pk} .fr-alert--success")
    assert Avis.objects.filter(voeu__dossier=d1).count() == 2
    assert page.locator(f"#eleve-{d1.pk}").get_by_text("Saisi par Nadia Benali").first.is_visible()
    assert page.locator(f"#eleve-{d2.pk} input[value=favorable]").is_checked()  # still there
    page.locator(f"#eleve-{d2.pk}").get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector(f"#eleve-{d2.pk} .fr-alert--success")
    assert Avis.objects.get(voeu__dossier=d2).valeur == "favorable"
    # The counter and the pupils' tags at the top follow the saves, without a reload.
    assert page.locator("[data-nb-completes]").inner_text() == "2"
    for d in (d1, d2):
        assert page.locator(f'a[href="#eleve-{d.pk}"]').inner_text().endswith("✓")
    assert not page.locator(f'a[href="#eleve-{d3.pk}"]').inner_text().endswith("✓")
    assert Evenement.objects.filter(action="saisir_avis", acteur=pp).count() == 2
    _capture(page, "conseil-grille-bureau")
    axe_check(page, "dialogue:conseil")


def test_grille_sans_javascript_et_sur_telephone(browser, phone, live_server, settings):
    settings.AXES_ENABLED = False
    division, pp, (d1, _d2, _d3) = _monde()
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        java_script_enabled=False,
        viewport={"width": 375, "height": 740},
    )
    page = context.new_page()
    try:
        connecter(page, pp)
        page.goto(reverse("dialogue:conseil", args=[division.pk, "provisoire"]))
        no_horizontal_scroll(page)
        bloc = page.locator(f"#eleve-{d1.pk}")
        bloc.locator("input[value=favorable]").first.check(force=True)
        bloc.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state()
        assert f"#eleve-{d1.pk}" in page.url
        assert page.get_by_text("Réponses enregistrées").first.is_visible()
        assert Avis.objects.filter(voeu__dossier=d1).count() == 1
        no_horizontal_scroll(page)
        _capture(page, "conseil-grille-sans-js")
    finally:
        context.close()
    # axe needs JavaScript: the same page on a phone with it.
    connecter(phone, pp)
    phone.goto(reverse("dialogue:conseil", args=[division.pk, "provisoire"]))
    no_horizontal_scroll(phone)
    _capture(phone, "conseil-grille-telephone")
    axe_check(phone, "dialogue:conseil")
