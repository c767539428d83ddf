"""One fixture world for the security tests: one school with two divisions and two families, a
second school with its own family, and every kind of staff."""

from dataclasses import dataclass, field

from orientation.accounts.models import Role
from tests.factories import (
    CampagneFactory,
    ConseilDivisionFactory,
    DivisionFactory,
    EtablissementFactory,
    PersonnelFactory,
    UserFactory,
    courriel_non_remis,
    famille,
    pdf_etablissement_pret,
)


@dataclass
class Monde:
    ecole: object
    autre_ecole: object
    division: object
    autre_division: object
    dossier: object  # the family under test, division 1
    dossier_autre_famille: object  # same school, division 2
    dossier_autre_ecole: object
    personnel: object  # a staff position of the school, target of the staff pages
    notification: object
    pdf_etablissement: object = None  # the whole school's fiches, ready to download
    utilisateurs: dict = field(default_factory=dict)


def construire_monde(**etat) -> Monde:
    ecole, autre_ecole = EtablissementFactory(), EtablissementFactory()
    campagne = CampagneFactory(etablissement=ecole)
    campagne_autre = CampagneFactory(etablissement=autre_ecole)
    division = DivisionFactory(etablissement=ecole)
    autre_division = DivisionFactory(etablissement=ecole)
    ConseilDivisionFactory(campagne=campagne, division=division)
    dossier, (rep1, rep2) = famille(campagne, eleve__division=division, **etat)
    dossier_b, (rep_b, _) = famille(campagne, eleve__division=autre_division, **etat)
    dossier_c, _ = famille(campagne_autre, **etat)
    eleve_user, autre_eleve_user = UserFactory(), UserFactory()
    dossier.eleve.user = eleve_user
    dossier.eleve.save(update_fields=["user"])
    dossier_b.eleve.user = autre_eleve_user
    dossier_b.eleve.save(update_fields=["user"])
    pp = PersonnelFactory(etablissement=ecole, role=Role.PROFESSEUR_PRINCIPAL, divisions=[division])
    pp_autre = PersonnelFactory(
        etablissement=ecole, role=Role.PROFESSEUR_PRINCIPAL, divisions=[autre_division]
    )
    chef = PersonnelFactory(etablissement=ecole, role=Role.CHEF_ETABLISSEMENT)
    chef_autre = PersonnelFactory(etablissement=autre_ecole, role=Role.CHEF_ETABLISSEMENT)
    secretariat = PersonnelFactory(etablissement=ecole, role=Role.SECRETARIAT)
    notification = courriel_non_remis(
        dossier, evenement="securite", destinataire=rep1.user, destinataire_email=rep1.email
    )
    pdf_etablissement = pdf_etablissement_pret(
        campagne, demande_par=chef.user, fiches=2, pages=2, taille=9
    )
    monde = Monde(
        ecole=ecole,
        autre_ecole=autre_ecole,
        division=division,
        autre_division=autre_division,
        dossier=dossier,
        dossier_autre_famille=dossier_b,
        dossier_autre_ecole=dossier_c,
        personnel=pp,
        notification=notification,
        pdf_etablissement=pdf_etablissement,
    )
    monde.utilisateurs = {
        "anonyme": None,
        "representant": rep1.user,
        "autre_representant": rep2.user,
        "autre_famille": rep_b.user,
        "eleve": eleve_user,
        "autre_eleve": autre_eleve_user,
        "pp": pp.user,
        "pp_autre_division": pp_autre.user,
        "chef": chef.user,
        "chef_autre_ecole": chef_autre.user,
        "secretariat": secretariat.user,
    }
    return monde
