"""Applying an import: one transaction, upserts on SIECLE's identifiers (ARCHITECTURE.md rule 5).

Keys: (etablissement, ELEVE_ID), (etablissement, PERSONNE_ID), (etablissement, CODE_STRUCTURE), so
importing the same files twice changes nothing the second time. Nothing is ever deleted but the
pupil–person links SIECLE no longer lists; a pupil who left is marked, never removed.
"""

from itertools import batched

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils.translation import gettext as _

from orientation.accounts.models import User
from orientation.accounts.services import creer_comptes

from ..models import Division, Eleve, Etablissement, ImportSiecle, Lien, Responsable
from ..signals import import_siecle_applique
from .diff import ELEVE_FIELDS, RESPONSABLE_FIELDS, Diff, calculer
from .parse import DonneesSiecle, SiecleError

LOT = 500  # rows a query writes


def appliquer(
    donnees: DonneesSiecle,
    *,
    etablissement: Etablissement | None = None,
    creer_etablissement: bool = False,
    auteur=None,
    fichiers: list[str] | tuple = (),
) -> Diff:
    """Write the import into `etablissement` (or the school of the files' UAJ, created when
    `creer_etablissement`: the command only) and return the diff that was applied."""
    cree = False
    with transaction.atomic():
        if etablissement is not None:
            if etablissement.uai.upper() != donnees.uai.upper():
                raise SiecleError(
                    _("Ces fichiers sont ceux d'un autre établissement (UAJ %(uaj)s).")
                    % {"uaj": donnees.uai}
                )
            # Two imports of one school run one after the other.
            etablissement = Etablissement.objects.select_for_update().get(pk=etablissement.pk)
        else:
            etablissement = (
                Etablissement.objects.select_for_update().filter(uai=donnees.uai).first()
            )
            if etablissement is None:
                if not creer_etablissement:
                    raise SiecleError(
                        _("L'établissement %(uai)s n'existe pas.") % {"uai": donnees.uai}
                    )
                etablissement = Etablissement.objects.create(
                    uai=donnees.uai, nom=_("Établissement %(uai)s") % {"uai": donnees.uai}
                )
                cree = True
        diff = calculer(donnees, etablissement)
        diff.etablissement_a_creer = cree
        _executer(diff, donnees, etablissement)
        ImportSiecle.objects.create(
            etablissement=etablissement,
            auteur=auteur,
            annee=donnees.annee,
            fichiers=list(fichiers) or list(donnees.kinds.values()),
            resume=diff.resume(),
            avertissements=diff.avertissements,
        )
        import_siecle_applique.send(
            sender=ImportSiecle, etablissement=etablissement, diff=diff, auteur=auteur
        )
    return diff


def _executer(diff: Diff, donnees: DonneesSiecle, etablissement: Etablissement):
    # Divisions
    Division.objects.bulk_create(
        [
            Division(etablissement=etablissement, code=structure.code, **valeurs)
            for structure, valeurs in diff.divisions_nouvelles
        ]
    )
    _modifier(Division, diff.divisions_modifiees)
    divisions = {d.code: d for d in Division.objects.filter(etablissement=etablissement)}

    # Élèves. Every write goes by batches of LOT built from the diff, and what is read back is
    # identifiers, not instances: only a batch of model instances is alive at a time, so the
    # memory of an import grows with the parsed files only (docs/performance.md, Import SIECLE).
    for lot in batched(diff.eleves_nouveaux, LOT):
        Eleve.objects.bulk_create(
            [
                Eleve(
                    etablissement=etablissement,
                    siecle_id=e.eleve_id,
                    division=divisions.get(e.division) if e.division else None,
                    **{
                        k: getattr(e, k)
                        or ("" if k not in ("date_naissance", "date_sortie") else None)
                        for k in ELEVE_FIELDS
                    },
                )
                for e in lot
            ]
        )
    a_modifier = []
    for eleve, changes in diff.eleves_modifies:
        for k, v in changes.items():
            if k == "division":
                eleve.division = divisions.get(v) if v else None
            else:
                setattr(eleve, k, v)
        a_modifier.append(eleve)
    for eleve, date in diff.eleves_sortis:
        eleve.date_sortie = date
        a_modifier.append(eleve)
    if a_modifier:
        Eleve.objects.bulk_update(a_modifier, [*ELEVE_FIELDS, "division"], batch_size=LOT)
    eleves = _identifiants(Eleve, etablissement)

    # Responsables
    for lot in batched(diff.responsables_nouveaux, LOT):
        Responsable.objects.bulk_create(
            [
                Responsable(
                    etablissement=etablissement,
                    siecle_id=p.personne_id,
                    **{k: getattr(p, k) for k in RESPONSABLE_FIELDS},
                )
                for p in lot
            ]
        )
    _modifier(Responsable, diff.responsables_modifies)
    responsables = _identifiants(Responsable, etablissement)

    # Liens
    for lot in batched(diff.liens_nouveaux, LOT):
        Lien.objects.bulk_create(
            [
                Lien(
                    eleve_id=eleves[lien.eleve_id],
                    responsable_id=responsables[lien.personne_id],
                    niveau=lien.niveau,
                    code_parente=lien.code_parente,
                )
                for lien in lot
            ]
        )
    _modifier(Lien, diff.liens_modifies)
    if diff.liens_supprimes:
        Lien.objects.filter(pk__in=[lien.pk for lien in diff.liens_supprimes]).delete()

    # Accounts: an address from SIECLE until the owner activates the account.
    for lot in batched(dict(diff.courriels_comptes).items(), LOT):
        User.objects.filter(pk__in=[pk for pk, _a in lot], activated_at__isnull=True).update(
            email=Case(*(When(pk=pk, then=Value(adresse)) for pk, adresse in lot))
        )
    # Created in the diff's order (pupils, then representatives), so that the identifiers are
    # those accounts created one by one would get (p.nom, p.nom2…), by batches of LOT.
    for lot in batched(diff.comptes_eleves, LOT):
        _creer_comptes(Eleve, etablissement, lot)
    for lot in batched(diff.comptes_responsables, LOT):
        _creer_comptes(Responsable, etablissement, lot)


def _identifiants(modele, etablissement) -> dict[str, int]:
    """SIECLE identifier → primary key of the school's pupils or representatives."""
    return dict(modele.objects.filter(etablissement=etablissement).values_list("siecle_id", "pk"))


def _modifier(modele, modifications: list[tuple]):
    # The diff's (instance, {field: new value}): one UPDATE a batch of LOT rows.
    for objet, changes in modifications:
        for k, v in changes.items():
            setattr(objet, k, v)
    if champs := sorted({k for _o, changes in modifications for k in changes}):
        modele.objects.bulk_update([o for o, _c in modifications], champs, batch_size=LOT)


def _creer_comptes(modele, etablissement, siecle_ids):
    # The batch's rows as they are now (after this import's changes), in the diff's order.
    lus = {
        o.siecle_id: o
        for o in modele.objects.filter(etablissement=etablissement, siecle_id__in=siecle_ids)
    }
    lot = [lus[i] for i in siecle_ids]
    comptes = creer_comptes([(o.prenom, o.nom, o.email) for o in lot])
    for objet, user in zip(lot, comptes, strict=True):
        objet.user = user
    modele.objects.bulk_update(lot, ["user"])
