"""Account linking: who is this federated person in our SIECLE data?

Nothing here matches by name alone (issue 11): EduConnect asserts the INE of the adult's pupils and
the adult must be a niveau-1 representative (R2) of every one of them; FranceConnect gives an
identity that must agree with the representative an activation code designates.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orientation.accounts.models import ActivationCode, User
from orientation.accounts.services import creer_compte
from orientation.etablissements.models import Eleve, Lien, Responsable

from .models import IdentiteFederee


class LiaisonImpossible(Exception):
    """The person cannot be tied to an account; the message is French and shown as is."""


@dataclass
class Personne:
    """What a provider told us about the person who just authenticated."""

    fournisseur: str
    sujet: str
    nom: str = ""
    prenom: str = ""
    ines: list[str] = field(default_factory=list)  # EduConnect: the pupils of the adult
    est_eleve: bool = False
    date_naissance: str = ""


def _normaliser(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", texte.lower())


def _prenoms(texte: str) -> set[str]:
    return {_normaliser(p) for p in re.split(r"[\s,]+", texte or "") if _normaliser(p)}


def meme_identite(responsable: Responsable, nom: str, prenom: str) -> bool:
    """Family name equal and one given name in common, accents and case aside (FranceConnect gives
    all given names, SIECLE usually the first one)."""
    if not nom or _normaliser(responsable.nom) != _normaliser(nom):
        return False
    return bool(_prenoms(responsable.prenom) & _prenoms(prenom)) or not responsable.prenom


def identite_connue(personne: Personne) -> User | None:
    lien = (
        IdentiteFederee.objects.select_related("user")
        .filter(fournisseur=personne.fournisseur, sujet=personne.sujet)
        .first()
    )
    if lien is None or not lien.user.is_active:
        return None
    return lien.user


def _rattacher(user: User, responsables) -> None:
    # Several Responsable rows (one per school) share the one account of the same adult.
    Responsable.objects.filter(pk__in=[r.pk for r in responsables]).update(user=user)


def _responsables_par_ine(personne: Personne) -> list[Responsable]:
    ines = {i.strip().upper() for i in personne.ines if i and i.strip()}
    if not ines:
        raise LiaisonImpossible(
            _("ÉduConnect ne nous a indiqué aucun élève rattaché à votre compte.")
        )
    eleves = list(Eleve.objects.filter(ine__in=ines, date_sortie__isnull=True))
    trouves = {e.ine.upper() for e in eleves}
    if trouves != ines:
        raise LiaisonImpossible(
            _(
                "Au moins un des élèves rattachés à votre compte ÉduConnect n'est inscrit dans "
                "aucun établissement utilisant ce service."
            )
        )
    retenus = []
    for etablissement_id in {e.etablissement_id for e in eleves}:
        eleves_ecole = [e for e in eleves if e.etablissement_id == etablissement_id]
        candidats = None
        for eleve in eleves_ecole:
            ids = set(
                Lien.objects.filter(eleve=eleve, niveau=Lien.Niveau.LEGAL).values_list(
                    "responsable_id", flat=True
                )
            )
            candidats = ids if candidats is None else candidats & ids
        # Both parents are legal representatives of the same pupils: the INE narrow the choice
        # to them, the identity asserted by EduConnect tells which one (never the name alone).
        personnes = [
            r
            for r in Responsable.objects.filter(pk__in=candidats or set())
            if meme_identite(r, personne.nom, personne.prenom)
        ]
        if len(personnes) != 1:
            raise LiaisonImpossible(
                _(
                    "Nous ne retrouvons pas votre fiche de représentant légal pour les élèves "
                    "rattachés à votre compte ÉduConnect."
                )
            )
        retenus.append(personnes[0])
    return retenus


@transaction.atomic
def connexion_educonnect(personne: Personne) -> User:
    """The account of an EduConnect user, linked on first login and completed on every login
    (a child newly imported in another school shows up without anything to do)."""
    if personne.est_eleve:
        return _connexion_eleve(personne)
    responsables = _responsables_par_ine(personne)
    user = identite_connue(personne)
    if user is None:
        if IdentiteFederee.objects.filter(
            fournisseur=personne.fournisseur, sujet=personne.sujet
        ).exists():
            raise LiaisonImpossible(_("Ce compte est désactivé."))
        existants = {r.user for r in responsables if r.user_id}
        user = next(iter(sorted(existants, key=lambda u: u.pk)), None) or creer_compte(
            personne.prenom, personne.nom
        )
        IdentiteFederee.objects.create(
            fournisseur=personne.fournisseur, sujet=personne.sujet, user=user
        )
    _rattacher(user, responsables)
    _noter_connexion(user, personne)
    return user


def _connexion_eleve(personne: Personne) -> User:
    ines = {i.strip().upper() for i in personne.ines if i}
    eleves = list(Eleve.objects.filter(ine__in=ines, date_sortie__isnull=True)[:2])
    if len(ines) != 1 or len(eleves) != 1:
        raise LiaisonImpossible(_("Nous ne retrouvons pas votre inscription d'élève."))
    eleve = eleves[0]
    user = identite_connue(personne) or eleve.user or creer_compte(eleve.prenom, eleve.nom)
    if eleve.user_id not in (None, user.pk):
        raise LiaisonImpossible(_("Nous ne retrouvons pas votre inscription d'élève."))
    if eleve.user_id is None:
        eleve.user = user
        eleve.save(update_fields=["user"])
    IdentiteFederee.objects.get_or_create(
        fournisseur=personne.fournisseur, sujet=personne.sujet, defaults={"user": user}
    )
    _noter_connexion(user, personne)
    return user


def _noter_connexion(user: User, personne: Personne) -> None:
    IdentiteFederee.objects.filter(fournisseur=personne.fournisseur, sujet=personne.sujet).update(
        derniere_connexion=timezone.now()
    )
    if user.activated_at is None:
        user.activated_at = timezone.now()
        user.save(update_fields=["activated_at"])


@transaction.atomic
def lier_par_code(personne: Personne, code: str, user_connecte: User | None = None) -> User:
    """FranceConnect: the activation code of the school letter designates the account; the
    identity FranceConnect certifies must be that of a legal representative on it."""
    activation = ActivationCode.find_valid(code or "")
    if activation is None:
        raise LiaisonImpossible(_("Ce code d'activation est inconnu, expiré ou déjà utilisé."))
    # Locked and read again: two tabs typing the same code link it once.
    activation = (
        ActivationCode.objects.select_for_update()
        .select_related("user")
        .filter(pk=activation.pk, used_at__isnull=True)
        .first()
    )
    if activation is None:
        raise LiaisonImpossible(_("Ce code d'activation est inconnu, expiré ou déjà utilisé."))
    compte_du_code = activation.user
    responsables = list(
        Responsable.objects.filter(user=compte_du_code, liens__niveau=Lien.Niveau.LEGAL).distinct()
    )
    if not responsables or not all(
        meme_identite(r, personne.nom, personne.prenom) for r in responsables
    ):
        raise LiaisonImpossible(
            _(
                "L'identité transmise par FranceConnect ne correspond pas au représentant légal "
                "à qui ce code a été envoyé."
            )
        )
    user = user_connecte or identite_connue(personne) or compte_du_code
    if (
        IdentiteFederee.objects.filter(fournisseur=personne.fournisseur, sujet=personne.sujet)
        .exclude(user=user)
        .exists()
    ):
        raise LiaisonImpossible(_("Cette identité FranceConnect est déjà liée à un autre compte."))
    IdentiteFederee.objects.get_or_create(
        fournisseur=personne.fournisseur, sujet=personne.sujet, defaults={"user": user}
    )
    # A second letter (a child in another school) adds that school's rows to the same account.
    _rattacher(user, responsables)
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    _noter_connexion(user, personne)
    return user
