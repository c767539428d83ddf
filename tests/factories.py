"""Factories with business traits (ARCHITECTURE.md rule 11)."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from orientation.accounts.models import Role, User
from orientation.campagnes.models import Campagne, ConseilDivision, Phase, Specialite, Voie
from orientation.dialogue.models import Dossier, Etat, Saisie, Voeu
from orientation.etablissements.models import (
    Division,
    Eleve,
    Etablissement,
    Lien,
    Personnel,
    Responsable,
)
from orientation.notifications.models import Notification
from orientation.pilotage.models import PdfEtablissement

MOT_DE_PASSE = "motdepasse-de-test-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"compte{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")
    activated_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EtablissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etablissement
        django_get_or_create = ("uai",)

    uai = factory.Sequence(lambda n: f"{900000 + n:07d}X")
    nom = factory.Sequence(lambda n: f"Lycée de test n°{n}")
    commune = "Villeneuve"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    etablissement = factory.SubFactory(EtablissementFactory)
    code = factory.Sequence(lambda n: f"2DE{n}")
    libelle = factory.LazyAttribute(lambda d: f"Seconde {d.code}")
    code_mef = "20010018110"
    libelle_mef = "2NDE GT"
    est_seconde_gt = True


class EleveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Eleve

    division = factory.SubFactory(DivisionFactory)
    etablissement = factory.SelfAttribute("division.etablissement")
    siecle_id = factory.Sequence(lambda n: str(100000 + n))
    elenoet = factory.Sequence(lambda n: str(5000 + n))
    ine = factory.Sequence(lambda n: f"{n:09d}AB")
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    date_naissance = datetime.date(2009, 5, 17)


class ResponsableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsable

    etablissement = factory.SubFactory(EtablissementFactory)
    siecle_id = factory.Sequence(lambda n: str(700000 + n))
    civilite = "MME"
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"parent{n}@exemple.fr")
    user = factory.SubFactory(
        UserFactory,
        email=factory.SelfAttribute("..email"),
        first_name=factory.SelfAttribute("..prenom"),
        last_name=factory.SelfAttribute("..nom"),
    )


class LienFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lien

    eleve = factory.SubFactory(EleveFactory)
    responsable = factory.SubFactory(
        ResponsableFactory, etablissement=factory.SelfAttribute("..eleve.etablissement")
    )
    niveau = Lien.Niveau.LEGAL
    code_parente = "10"


class PersonnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Personnel
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    etablissement = factory.SubFactory(EtablissementFactory)
    role = Role.CHEF_ETABLISSEMENT

    @factory.post_generation
    def divisions(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.divisions.set(extracted)


def _a_minuit(jours: int) -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=jours), datetime.time())
    )


class CampagneFactory(factory.django.DjangoModelFactory):
    """By default the provisional window is open now; traits move the calendar."""

    class Meta:
        model = Campagne
        skip_postgeneration_save = True

    class Params:
        definitive_ouverte = factory.Trait(
            provisoire_debut=factory.LazyFunction(lambda: _a_minuit(-60)),
            provisoire_fin=factory.LazyFunction(lambda: _a_minuit(-50)),
            definitive_debut=factory.LazyFunction(lambda: _a_minuit(-3)),
            definitive_fin=factory.LazyFunction(lambda: _a_minuit(7)),
            reponse_limite=factory.LazyFunction(lambda: _a_minuit(30)),
        )
        fermee = factory.Trait(
            provisoire_debut=factory.LazyFunction(lambda: _a_minuit(10)),
            provisoire_fin=factory.LazyFunction(lambda: _a_minuit(20)),
        )

    etablissement = factory.SubFactory(EtablissementFactory)
    annee = factory.LazyFunction(
        lambda: timezone.localdate().year - (timezone.localdate().month < 8)
    )
    provisoire_debut = factory.LazyFunction(lambda: _a_minuit(-3))
    provisoire_fin = factory.LazyFunction(lambda: _a_minuit(7))
    definitive_debut = factory.LazyFunction(lambda: _a_minuit(60))
    definitive_fin = factory.LazyFunction(lambda: _a_minuit(70))
    reponse_limite = factory.LazyFunction(lambda: _a_minuit(90))

    @factory.post_generation
    def specialites_offertes(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = Specialite.objects.filter(
                code__in=["MATHS", "PC", "SVT", "SES", "HGGSP", "HLP", "LLCER", "NSI"]
            )
        obj.specialites_offertes.set(extracted)


class ConseilDivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConseilDivision

    campagne = factory.SubFactory(CampagneFactory)
    division = factory.SubFactory(
        DivisionFactory, etablissement=factory.SelfAttribute("..campagne.etablissement")
    )
    phase = Phase.PROVISOIRE
    date_conseil = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))


class DossierFactory(factory.django.DjangoModelFactory):
    """Traits put the dossier in a state of the workflow with what that state implies: validated
    intentions (one voeu, 1re STMG) from `intentions_validees` on, an acknowledged avis from
    `avis_accuse` on, validated demandes with `voeux_valides`. The titulaire stays empty: the
    representatives are created after the dossier (see `famille()`)."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    class Params:
        intentions_validees = factory.Trait(etat=Etat.INTENTIONS_VALIDEES)
        avis_publie = factory.Trait(etat=Etat.AVIS_PUBLIE)
        avis_accuse = factory.Trait(
            etat=Etat.AVIS_ACCUSE, avis_accuse_le=factory.LazyFunction(timezone.now)
        )
        voeux_valides = factory.Trait(
            etat=Etat.VOEUX_VALIDES, avis_accuse_le=factory.LazyFunction(timezone.now)
        )
        # R16: demandes 1 STMG (council oui), 2 STI2D (non), and 1re générale proposed.
        propositions_publiees = factory.Trait(
            etat=Etat.PROPOSITIONS_PUBLIEES, avis_accuse_le=factory.LazyFunction(timezone.now)
        )

    campagne = factory.SubFactory(CampagneFactory)
    eleve = factory.SubFactory(
        EleveFactory, division__etablissement=factory.SelfAttribute("...campagne.etablissement")
    )

    @factory.post_generation
    def voeux_du_etat(obj, create, extracted, **kwargs):
        if not create or obj.etat == Etat.INTENTIONS_OUVERTES:
            return
        phases = [Phase.PROVISOIRE]
        if obj.etat == Etat.VOEUX_VALIDES:
            phases.append(Phase.DEFINITIVE)
        if obj.etat in APRES_LE_CONSEIL:
            _demandes_et_propositions(obj)
        stmg = Voie.objects.get(code="STMG")
        for phase in phases:
            Voeu.objects.create(dossier=obj, phase=phase, rang=1, voie=stmg)
            Saisie.objects.create(
                dossier=obj,
                phase=phase,
                premiere_validation_le=timezone.now(),
                valide_le=timezone.now(),
            )


APRES_LE_CONSEIL = {
    Etat.PROPOSITIONS_PUBLIEES,
    Etat.REPONSE_FAMILLE,
    Etat.ENTRETIEN_REQUIS,
    Etat.ENTRETIEN_TENU,
    Etat.RECOURS,
    Etat.DECIDE,
}


def _demandes_et_propositions(dossier):
    """R16: the council's answers on demandes 1 STMG (oui) and 2 STI2D (non), 1re générale
    proposed. The definitive Saisie is created by voeux_du_etat's loop."""
    from orientation.dialogue.models import Proposition

    voies = Voie.objects.in_bulk(["STMG", "STI2D", "GENERALE"], field_name="code")
    for rang, (code, reponse) in enumerate([("STMG", "oui"), ("STI2D", "non")], start=1):
        voeu = Voeu.objects.create(
            dossier=dossier, phase=Phase.DEFINITIVE, rang=rang, voie=voies[code]
        )
        Proposition.objects.create(dossier=dossier, voeu=voeu, voie=voies[code], reponse=reponse)
    Proposition.objects.create(dossier=dossier, voie=voies["GENERALE"], reponse="oui")
    Saisie.objects.create(
        dossier=dossier,
        phase=Phase.DEFINITIVE,
        premiere_validation_le=timezone.now(),
        valide_le=timezone.now(),
    )


def famille(campagne=None, *, representants=2, **dossier_kwargs):
    """A dossier with its pupil and `representants` legal representatives, each with an account.

    Returns (dossier, [responsable, ...]).
    """
    campagne = campagne or CampagneFactory()
    dossier = DossierFactory(campagne=campagne, **dossier_kwargs)
    responsables = [
        LienFactory(eleve=dossier.eleve, code_parente=code).responsable
        for code in ["10", "20"][:representants]
    ]
    return dossier, responsables


def classe_du_conseil(campagne=None, *, eleves=1, **dossier_kwargs):
    """A division of the campaign's school, its professeur principal and `eleves` pupils, each
    with one representative and, unless told otherwise, validated intentions (`dossier_kwargs`
    go to famille()): what a class council's grid needs. Returns (division, pp's user, dossiers).
    """
    campagne = campagne or CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement)
    pp = PersonnelFactory(
        etablissement=campagne.etablissement, role=Role.PROFESSEUR_PRINCIPAL, divisions=[division]
    ).user
    if not {"voeux_valides", "intentions_validees"} & dossier_kwargs.keys():
        dossier_kwargs["intentions_validees"] = True
    dossiers = [
        famille(campagne, representants=1, eleve__division=division, **dossier_kwargs)[0]
        for _ in range(eleves)
    ]
    return division, pp, dossiers


# After the council, through the real transitions of workflow.py (docs/decision.md). Each path
# starts from `propositions_publiees`; a step is reached by playing every step before it.
PAR_ACCORD = ("reponse_famille", "decide")
PAR_ENTRETIEN = (
    "entretien_requis",
    "entretien_tenu",
    "decide_apres_entretien",
    "recours",
    "decide_apres_recours",
)
ETAPES_APRES_LE_CONSEIL = PAR_ACCORD + PAR_ENTRETIEN


def apres_le_conseil(etape: str, campagne=None, *, chef=None, **dossier_kwargs):
    """A family with two representatives (as `famille()`) whose dossier reached `etape`:
    - reponse_famille: the first representative accepted 1re STMG (R17); the other must agree;
    - decide: the other agreed: the decision follows from the agreement (R19–R21);
    - entretien_requis: the first representative refused every proposal (R17, R22);
    - entretien_tenu: the head held the interview (R22);
    - decide_apres_entretien: the head decided 1re générale, which differs from the request:
      a motivation and a deadline to appeal (X);
    - recours: the school recorded the family's appeal (R23);
    - decide_apres_recours: the commission d'appel decided 1re STI2D (R23).
    `chef` (made if absent) is the head of the campaign's school.
    """
    from orientation.dialogue import workflow
    from orientation.dialogue.models import Proposition

    chemin = PAR_ACCORD if etape in PAR_ACCORD else PAR_ENTRETIEN
    if etape not in chemin:
        raise ValueError(f"unknown step after the council: {etape!r}")
    campagne = campagne or CampagneFactory(definitive_ouverte=True)
    dossier, responsables = famille(campagne, propositions_publiees=True, **dossier_kwargs)
    premier, autre = responsables
    chef = chef or PersonnelFactory(etablissement=campagne.etablissement).user
    stmg = Proposition.objects.filter(dossier=dossier, voie__code="STMG").values_list(
        "pk", flat=True
    )
    il_y_a_deux_heures = timezone.now() - datetime.timedelta(hours=2)
    pas = {
        "reponse_famille": lambda: workflow.repondre(
            dossier, premier.user, accepte=True, propositions=list(stmg)
        ),
        "decide": lambda: workflow.conclure_accord(dossier, autre.user, d_accord=True),
        "entretien_requis": lambda: workflow.repondre(dossier, premier.user, accepte=False),
        "entretien_tenu": lambda: workflow.tenir_entretien(
            dossier,
            chef,
            tenu_le=il_y_a_deux_heures,
            participants="Les deux représentants légaux, l'élève, le chef d'établissement",
            compte_rendu="La famille maintient sa demande de 1re STI2D.",
        ),
        "decide_apres_entretien": lambda: workflow.decider(
            dossier, chef, voies=["GENERALE"], motivation="Résultats solides en sciences."
        ),
        "recours": lambda: workflow.engager_recours(dossier, chef),
        "decide_apres_recours": lambda: workflow.statuer_recours(
            dossier,
            chef,
            maintien=False,
            voie="STI2D",
            date_commission=timezone.localdate(),
            issue="La commission d'appel retient la 1re STI2D.",
        ),
    }
    for nom in chemin[: chemin.index(etape) + 1]:
        pas[nom]()
    dossier.refresh_from_db()
    return dossier, responsables


# The smallest valid ZIP archive (its end-of-directory record alone): stands for the whole school's
# fiches where a test only needs a file to be there.
ZIP_VIDE = b"PK\x05\x06" + bytes(18)


def pdf_etablissement_pret(campagne, **champs) -> PdfEtablissement:
    """The school's fiches prepared and ready to download (pilotage/tasks.py's end state)."""
    pdf = PdfEtablissement(
        etablissement=campagne.etablissement,
        campagne=campagne,
        statut=PdfEtablissement.Statut.PRET,
        termine_le=timezone.now(),
        **champs,
    )
    pdf.fichier.save("fiches.zip", ContentFile(ZIP_VIDE))  # saves the row too
    return pdf


def courriel_non_remis(dossier, statut=Notification.Statut.ECHEC, **champs):
    """An e-mail about the dossier that was not delivered (the staff's « Courriels non remis »)."""
    valeurs = {
        "evenement": "rappel",
        "sujet": "Rappel",
        "corps_texte": "…",
        "corps_html": "<p>…</p>",
    }
    return Notification.objects.create(dossier=dossier, statut=statut, **{**valeurs, **champs})
