"""The linking rules on their own: never a child to the wrong adult (issue 11)."""

import pytest

from orientation.accounts.models import ActivationCode
from orientation.etablissements.models import Lien
from orientation.identite import liaison
from orientation.identite.models import Fournisseur, IdentiteFederee
from tests.factories import EleveFactory, LienFactory, ResponsableFactory


@pytest.mark.parametrize(
    ("nom", "prenom", "attendu"),
    [
        ("DUPRÉ", "Marie Anne", True),
        ("dupre", "MARIE", True),
        ("Dupré", "Anne", False),
        ("Dupré", "Jean", False),
        ("Dupont", "Marie", False),
        ("", "Marie", False),
    ],
)
def test_meme_identite(nom, prenom, attendu):
    responsable = ResponsableFactory.build(nom="Dupré", prenom="Marie")
    assert liaison.meme_identite(responsable, nom, prenom) is attendu


@pytest.mark.django_db
def test_educonnect_sans_ine_refuse():
    personne = liaison.Personne(Fournisseur.EDUCONNECT, "s", nom="Dupré", prenom="Marie")
    with pytest.raises(liaison.LiaisonImpossible):
        liaison.connexion_educonnect(personne)
    assert not IdentiteFederee.objects.exists()


@pytest.mark.django_db
def test_educonnect_un_ine_inconnu_refuse_tout():
    mere = ResponsableFactory(nom="Dupré", prenom="Marie")
    eleve = EleveFactory(etablissement=mere.etablissement)
    LienFactory(eleve=eleve, responsable=mere)
    personne = liaison.Personne(
        Fournisseur.EDUCONNECT, "s", nom="Dupré", prenom="Marie", ines=[eleve.ine, "999999999ZZ"]
    )
    with pytest.raises(liaison.LiaisonImpossible):
        liaison.connexion_educonnect(personne)
    assert not IdentiteFederee.objects.exists()


@pytest.mark.django_db
def test_educonnect_eleve_parti_ne_compte_plus():
    import datetime

    mere = ResponsableFactory(nom="Dupré", prenom="Marie")
    eleve = EleveFactory(etablissement=mere.etablissement, date_sortie=datetime.date(2026, 1, 5))
    LienFactory(eleve=eleve, responsable=mere)
    personne = liaison.Personne(
        Fournisseur.EDUCONNECT, "s", nom="Dupré", prenom="Marie", ines=[eleve.ine]
    )
    with pytest.raises(liaison.LiaisonImpossible):
        liaison.connexion_educonnect(personne)


@pytest.mark.django_db
def test_code_d_un_contact_non_legal_refuse():
    contact = ResponsableFactory(nom="Dupré", prenom="Marie")
    LienFactory(responsable=contact, niveau=Lien.Niveau.CONTACT)
    code = ActivationCode.issue(contact.user)
    personne = liaison.Personne(Fournisseur.FRANCECONNECT, "s", nom="Dupré", prenom="Marie")
    with pytest.raises(liaison.LiaisonImpossible):
        liaison.lier_par_code(personne, code)
    assert ActivationCode.find_valid(code) is not None


@pytest.mark.django_db
def test_identite_franceconnect_deja_liee_a_un_autre_compte_refusee():
    premiere = ResponsableFactory(nom="Dupré", prenom="Marie")
    LienFactory(responsable=premiere)
    seconde = ResponsableFactory(nom="Dupré", prenom="Marie")
    LienFactory(responsable=seconde)
    IdentiteFederee.objects.create(
        fournisseur=Fournisseur.FRANCECONNECT, sujet="s", user=premiere.user
    )
    premiere.user.is_active = False  # the known account is disabled: no silent re-linking
    premiere.user.save()
    code = ActivationCode.issue(seconde.user)
    personne = liaison.Personne(Fournisseur.FRANCECONNECT, "s", nom="Dupré", prenom="Marie")
    with pytest.raises(liaison.LiaisonImpossible):
        liaison.lier_par_code(personne, code)
    assert ActivationCode.find_valid(code) is not None
