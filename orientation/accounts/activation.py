"""Opening accounts: activation e-mails, activation letters, activation by code, password reset.

An account is activated when its owner chose a password (`User.activated_at`). Until then its
password is unusable and nobody can log in with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orientation.etablissements.models import Eleve, Lien, Responsable
from orientation.notifications.outbox import Destinataire, adresse_valide

from .courriels import Activation, Reinitialisation
from .jetons import jeton_activation, jeton_reinitialisation, lien
from .models import ActivationCode, User, _hash_code
from .services import creer_compte

log = logging.getLogger("orientation.accounts")


class ActivationImpossible(Exception):
    """The reason, in French, for the person."""


# --- Who: the family accounts of a school ---------------------------------------------------------

PUBLIC_RESPONSABLES = "responsables"
PUBLIC_ELEVES = "eleves"


@dataclass
class Compte:
    """One person to activate: a legal representative or a pupil, with or without an account."""

    personne: Responsable | Eleve
    eleves: list[Eleve] = field(default_factory=list)

    @property
    def user(self) -> User | None:
        return self.personne.user

    @property
    def est_eleve(self) -> bool:
        return isinstance(self.personne, Eleve)

    @property
    def nom(self) -> str:
        return " ".join(p for p in (self.personne.prenom, self.personne.nom) if p)

    @property
    def email(self) -> str:
        # R13: the address the person set in their profile wins over the SIECLE one.
        if self.user is not None and self.user.email:
            return self.user.email
        return self.personne.email or ""

    @property
    def etat(self) -> str:
        user = self.user
        if user is not None and user.activated_at:
            return "active"
        if user is not None and user.activation_envoyee_le and adresse_valide(self.email):
            return "courriel_envoye"
        if user is not None and any(c.used_at is None for c in user.activation_codes.all()):
            return "lettre_a_remettre"
        if adresse_valide(self.email):
            return "courriel_a_envoyer"
        return "sans_adresse"


ETATS = {
    "active": gettext_lazy("activé"),
    "courriel_envoye": gettext_lazy("courriel envoyé"),
    "lettre_a_remettre": gettext_lazy("lettre à remettre"),
    "courriel_a_envoyer": gettext_lazy("courriel à envoyer"),
    "sans_adresse": gettext_lazy("pas d'adresse"),
}


def comptes_familles(
    etablissement, division=None, public=(PUBLIC_RESPONSABLES,), personnes=None
) -> list[Compte]:
    """The legal representatives (and/or pupils) of the school's 2de GT pupils still enrolled,
    in a constant number of queries. `personnes`: restrict to these Responsable/Eleve ids."""
    eleves = Eleve.objects.filter(
        etablissement=etablissement, division__est_seconde_gt=True, date_sortie__isnull=True
    ).select_related("division", "user")
    if division is not None:
        eleves = eleves.filter(division=division)
    comptes: list[Compte] = []
    if PUBLIC_RESPONSABLES in public:
        liens = (
            Lien.objects.filter(niveau=Lien.Niveau.LEGAL, eleve__in=eleves)
            .select_related("responsable__user", "eleve__division")
            .prefetch_related(
                Prefetch(
                    "responsable__user__activation_codes",
                    queryset=ActivationCode.objects.filter(expires_at__gt=timezone.now()),
                )
            )
            .order_by("responsable__nom", "responsable__prenom", "responsable_id")
        )
        if personnes is not None:
            liens = liens.filter(responsable_id__in=personnes.get(PUBLIC_RESPONSABLES, ()))
        par_responsable: dict[int, Compte] = {}
        for l in liens:  # noqa: E741
            compte = par_responsable.get(l.responsable_id)
            if compte is None:
                compte = par_responsable[l.responsable_id] = Compte(l.responsable)
                comptes.append(compte)
            compte.eleves.append(l.eleve)
    if PUBLIC_ELEVES in public:
        qs = eleves.prefetch_related(
            Prefetch(
                "user__activation_codes",
                queryset=ActivationCode.objects.filter(expires_at__gt=timezone.now()),
            )
        ).order_by("nom", "prenom")
        if personnes is not None:
            qs = qs.filter(pk__in=personnes.get(PUBLIC_ELEVES, ()))
        comptes.extend(Compte(e, [e]) for e in qs)
    return comptes


def _assurer_compte(compte: Compte) -> User:
    """The person's account, created (unusable password) when the import did not make one."""
    if compte.user is not None:
        return compte.user
    p = compte.personne
    user = creer_compte(p.prenom or "", p.nom, p.email or "")
    p.user = user
    p.save(update_fields=["user"])
    return user


# --- Activation by e-mail ----------


def _expire_le():
    return timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def envoyer_activation(user: User, *, email: str = "", nom: str = "", etablissement=None) -> bool:
    """Write one activation e-mail to the outbox. False when there is no valid address."""
    email = email or user.email
    if not adresse_valide(email):
        return False
    with transaction.atomic():
        # Set before the token is made: the token does not depend on it, the state page does.
        user.activation_envoyee_le = timezone.now()
        user.save(update_fields=["activation_envoyee_le"])
        Activation.envoyer(
            contexte={
                "lien": lien("accounts:activer_lien", jeton_activation, user),
                "identifiant": user.username,
                "expire_le": _expire_le(),
                "etablissement": etablissement,
            },
            destinataires=[Destinataire(nom=nom or str(user), email=email, user=user)],
        )
    return True


@transaction.atomic
def envoyer_activations(etablissement, comptes: list[Compte]) -> tuple[int, int]:
    """Activation e-mails to every listed account not activated; returns (sent, without address)."""
    envoyes = sans_adresse = 0
    for compte in comptes:
        if compte.user is not None and compte.user.activated_at:
            continue
        if not adresse_valide(compte.email):
            sans_adresse += 1
            continue
        user = _assurer_compte(compte)
        envoyer_activation(user, email=compte.email, nom=compte.nom, etablissement=etablissement)
        envoyes += 1
    return envoyes, sans_adresse


# --- Activation by letter ----------


@dataclass
class Lettre:
    nom: str
    identifiant: str
    code: str
    eleves: list[Eleve]
    expire_le: object
    est_eleve: bool


@transaction.atomic
def preparer_lettres(comptes: list[Compte]) -> list[Lettre]:
    """One letter per account not activated, with a new code (which revokes the previous one:
    only the last printed letter works)."""
    lettres = []
    expire_le = timezone.now() + timedelta(days=settings.ACTIVATION_CODE_VALIDITY_DAYS)
    for compte in comptes:
        if compte.user is not None and compte.user.activated_at:
            continue
        user = _assurer_compte(compte)
        lettres.append(
            Lettre(
                nom=compte.nom,
                identifiant=user.username,
                code=ActivationCode.issue(user),
                eleves=compte.eleves,
                expire_le=expire_le,
                est_eleve=compte.est_eleve,
            )
        )
    return lettres


def activer_par_code(identifiant: str, code: str, mot_de_passe: str) -> User:
    """The letter's identifier and code, then the chosen password (Django's validators).
    Raises ActivationImpossible or ValidationError (on the password) and changes nothing."""
    erreur = _("Identifiant ou code d'activation incorrect.")
    with transaction.atomic():
        activation = (
            ActivationCode.objects.select_for_update()
            .select_related("user")
            .filter(code_hash=_hash_code(code or ""))
            .first()
        )
        if activation is None or activation.user.username.lower() != identifiant.strip().lower():
            raise ActivationImpossible(erreur)
        # The identifier matches: saying why the code no longer works leaks nothing.
        if activation.used_at is not None:
            raise ActivationImpossible(
                _(
                    "Ce code d'activation a déjà été utilisé. Connectez-vous avec votre mot "
                    "de passe."
                )
            )
        if activation.expires_at <= timezone.now():
            raise ActivationImpossible(
                _(
                    "Ce code d'activation a expiré. Demandez un nouveau courrier au secrétariat "
                    "de l'établissement."
                )
            )
        user = activation.user
        validate_password(mot_de_passe, user)
        activation.used_at = timezone.now()
        activation.save(update_fields=["used_at"])
        definir_mot_de_passe(user, mot_de_passe)
    return user


def definir_mot_de_passe(user: User, mot_de_passe: str) -> None:
    """Set the chosen password; the account counts as activated from then on."""
    user.set_password(mot_de_passe)
    champs = ["password"]
    if user.activated_at is None:
        user.activated_at = timezone.now()
        champs.append("activated_at")
    user.save(update_fields=champs)


# --- Password reset ----------


def demander_reinitialisation(identifiant_ou_email: str) -> None:
    """Sends the reset e-mail when the account exists, is active and has an address; does the
    same work and says the same thing otherwise (no account enumeration)."""
    saisie = (identifiant_ou_email or "").strip()
    if not saisie:
        return
    user = User.objects.filter(username__iexact=saisie, is_active=True).first()
    if user is None and "@" in saisie:
        trouves = list(User.objects.filter(email__iexact=saisie, is_active=True)[:2])
        user = trouves[0] if len(trouves) == 1 else None
    if user is None or not adresse_valide(user.email):
        log.info("réinitialisation demandée pour un compte inconnu ou sans adresse")
        return
    with transaction.atomic():
        Reinitialisation.envoyer(
            contexte={
                "lien": lien("accounts:reinitialiser_confirmer", jeton_reinitialisation, user),
                "identifiant": user.username,
                "expire_le": _expire_le(),
            },
            destinataires=[Destinataire(nom=str(user), email=user.email, user=user)],
        )


def rechercher_personnes(etablissement, responsables_ids, eleves_ids) -> dict:
    """The ids of the persons of this school only (a forged id of another school is dropped)."""
    return {
        PUBLIC_RESPONSABLES: list(
            Responsable.objects.filter(
                Q(etablissement=etablissement) & Q(pk__in=responsables_ids)
            ).values_list("pk", flat=True)
        ),
        PUBLIC_ELEVES: list(
            Eleve.objects.filter(etablissement=etablissement, pk__in=eleves_ids).values_list(
                "pk", flat=True
            )
        ),
    }
