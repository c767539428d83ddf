import re
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.accounts.models import Role
from orientation.libelles import LibellesDesChoix


class Etablissement(models.Model):
    uai = models.CharField(_("UAI"), max_length=8, unique=True)
    nom = models.CharField(_("nom"), max_length=200)
    commune = models.CharField(_("commune"), max_length=200, blank=True)
    email_contact = models.EmailField(_("adresse de contact"), blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.uai})"


class Division(models.Model):
    """A class, as SIECLE calls it (a structure of type D)."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="divisions"
    )
    code = models.CharField(_("code"), max_length=40)
    libelle = models.CharField(_("libellé"), max_length=200, blank=True)
    code_mef = models.CharField(_("code MEF"), max_length=11, blank=True)
    libelle_mef = models.CharField(_("formation"), max_length=200, blank=True)
    # Found through the MEF's FORMATION in Nomenclature.xml, never through a hard-coded code.
    est_seconde_gt = models.BooleanField(_("2de générale et technologique"), default=False)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "code"], name="division_unique_code")
        ]

    def __str__(self):
        return self.code


class Eleve(models.Model):
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="eleves"
    )
    siecle_id = models.CharField(_("identifiant SIECLE (ELEVE_ID)"), max_length=20)
    elenoet = models.CharField(_("ELENOET"), max_length=20, blank=True)
    ine = models.CharField(_("INE"), max_length=11, blank=True, db_index=True)
    nom = models.CharField(_("nom"), max_length=200)
    prenom = models.CharField(_("prénom"), max_length=200)
    date_naissance = models.DateField(_("date de naissance"), null=True, blank=True)
    sexe = models.CharField(_("sexe"), max_length=1, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="eleves"
    )
    code_mef = models.CharField(_("code MEF"), max_length=11, blank=True)
    date_sortie = models.DateField(_("date de sortie"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eleve",
    )
    responsables = models.ManyToManyField(
        "Responsable", through="Lien", related_name="eleves", blank=True
    )

    class Meta:
        verbose_name = _("élève")
        verbose_name_plural = _("élèves")
        ordering = ["nom", "prenom"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "siecle_id"], name="eleve_unique_siecle"
            )
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    @property
    def nom_complet(self):
        return f"{self.prenom} {self.nom}"

    @property
    def a_quitte(self) -> bool:
        return self.date_sortie is not None


def homonymes(eleves) -> set[int]:
    """The pupils (pks) of `eleves` who share their name, first name and class with another one
    of them (whatever the case): a list of pupils writes their birth date to tell them
    apart (the `ne_le` filter), so that the council's answer or the head's decision goes to the
    right one. The class tells apart those of different classes."""
    par_nom: dict[tuple, set[int]] = {}
    for eleve in eleves:  # the same pupil may come twice (once per representative)
        cle = (eleve.nom.casefold(), eleve.prenom.casefold(), eleve.division_id)
        par_nom.setdefault(cle, set()).add(eleve.pk)
    return {pk for pks in par_nom.values() if len(pks) > 1 for pk in pks}


class Telephone(NamedTuple):
    libelle: str
    affiche: str  # as French writes it: 06 12 82 67 92
    appel: str  # for a tel: link, tapped on a phone: its digits (and its + if it had one)

    @classmethod
    def de(cls, libelle: str, numero: str) -> "Telephone":
        """SIECLE's number as it came (« 0612826792 », « 06.12.82.67.92 », « +33 6… »): a French
        number of ten digits is written in pairs; anything else is kept as typed."""
        numero = numero.strip()
        chiffres = re.sub(r"[^\d+]", "", numero)
        if re.fullmatch(r"0\d{9}", chiffres):
            numero = " ".join(chiffres[i : i + 2] for i in range(0, 10, 2))
        return cls(libelle, numero, chiffres)


# How French abbreviates a civility before a name (Imprimerie nationale): Mme, M., Mlle.
_CIVILITES = {"MME": "Mme", "M": "M.", "MR": "M.", "MLLE": "Mlle"}


class Responsable(models.Model):
    """A person linked to pupils in one school's SIECLE export (PERSONNE_ID).

    The same adult may appear in two schools: two rows, one `user`.
    """

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="responsables"
    )
    siecle_id = models.CharField(_("identifiant SIECLE (PERSONNE_ID)"), max_length=20)
    civilite = models.CharField(_("civilité"), max_length=10, blank=True)
    nom = models.CharField(_("nom"), max_length=200)
    prenom = models.CharField(_("prénom"), max_length=200, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    tel_personnel = models.CharField(_("téléphone personnel"), max_length=30, blank=True)
    tel_portable = models.CharField(_("téléphone portable"), max_length=30, blank=True)
    tel_professionnel = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsables",
    )

    class Meta:
        verbose_name = _("responsable")
        verbose_name_plural = _("responsables")
        ordering = ["nom", "prenom"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "siecle_id"], name="responsable_unique_siecle"
            )
        ]

    def __str__(self):
        return " ".join(p for p in (self.civilite_affichee, self.prenom, self.nom) if p)

    @property
    def civilite_affichee(self) -> str:
        """SIECLE's civility (« MME », « M. ») as French writes it before a name: « Mme »,
        « M. »; anything else as it came."""
        code = self.civilite.strip()
        return _CIVILITES.get(code.upper().rstrip("."), code)

    def telephones(self) -> list[Telephone]:
        """The numbers SIECLE gave, labelled, mobile first: whom the school calls when no
        e-mail reaches the family (pilotage's list of families without an address)."""
        numeros = (
            (_("portable"), self.tel_portable),
            (_("domicile"), self.tel_personnel),
            (_("travail"), self.tel_professionnel),
        )
        return [Telephone.de(str(libelle), numero) for libelle, numero in numeros if numero]


class Lien(LibellesDesChoix, models.Model):
    """A pupil–person link (RESPONSABLE_ELEVE)."""

    class Niveau(models.IntegerChoices):
        LEGAL = 1, _("représentant légal")
        EN_CHARGE = 2, _("personne en charge")
        CONTACT = 3, _("contact")

    PARENTES = {
        "10": _("mère"),
        "20": _("père"),
        "37": _("fratrie"),
        "38": _("ascendant"),
        "39": _("autre membre de la famille"),
        "41": _("éducateur"),
        "42": _("assistant familial"),
        "50": _("tuteur"),
        "51": _("aide sociale à l'enfance"),
        "70": _("élève lui-même"),
        "90": _("autre lien"),
    }

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="liens")
    responsable = models.ForeignKey(Responsable, on_delete=models.CASCADE, related_name="liens")
    niveau = models.PositiveSmallIntegerField(_("niveau de responsabilité"), choices=Niveau.choices)
    code_parente = models.CharField(_("lien de parenté"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("lien élève–responsable")
        verbose_name_plural = _("liens élève–responsable")
        constraints = [
            models.UniqueConstraint(fields=["eleve", "responsable"], name="lien_unique"),
        ]

    @property
    def est_legal(self) -> bool:
        return self.niveau == self.Niveau.LEGAL

    @property
    def parente(self) -> str:
        return str(self.PARENTES.get(self.code_parente, ""))


class Personnel(LibellesDesChoix, models.Model):
    """A staff member's role in one school; a professeur principal is tied to divisions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="postes"
    )
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="personnels"
    )
    role = models.CharField(
        _("rôle"),
        max_length=30,
        choices=[
            (r.value, r.label)
            for r in (
                Role.CHEF_ETABLISSEMENT,
                Role.ADJOINT,
                Role.PROFESSEUR_PRINCIPAL,
                Role.SECRETARIAT,
            )
        ],
    )
    divisions = models.ManyToManyField(Division, blank=True, related_name="professeurs_principaux")

    class Meta:
        verbose_name = _("personnel")
        verbose_name_plural = _("personnels")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "etablissement", "role"], name="personnel_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.etablissement.uai})"


class ImportSiecle(models.Model):
    """The history of SIECLE imports of a school: who imported which files, what changed."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="imports_siecle"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quand = models.DateTimeField(_("importé le"), auto_now_add=True)
    annee = models.PositiveSmallIntegerField(_("année scolaire des fichiers"), null=True)
    fichiers = models.JSONField(_("fichiers"), default=list)
    resume = models.JSONField(_("résumé des changements"), default=dict)
    avertissements = models.JSONField(_("avertissements"), default=list)

    class Meta:
        verbose_name = _("import SIECLE")
        verbose_name_plural = _("imports SIECLE")
        ordering = ["-quand", "-id"]

    def __str__(self):
        return f"{self.etablissement.uai} — {self.quand:%d/%m/%Y %H:%M}"
