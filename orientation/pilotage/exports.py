"""Exports of wishes, council answers and decisions, per school or division, in CSV, XLSX and
ODS (tablib). French headers; the decisions export is described in docs/exports.md."""

from __future__ import annotations

import tablib
from django.db.models import Prefetch
from django.utils import timezone

from orientation.dialogue.models import Decision, Dossier, Proposition, Voeu

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}

ELEVE = ["Division", "INE", "Nom", "Prénom"]

EN_TETES = {
    "voeux": [*ELEVE, "Phase", "Rang", "Code voie", "Voie", "Spécialités", "Avis du conseil"],
    "reponses": [
        *ELEVE,
        "Rang de la demande",
        "Code voie",
        "Voie",
        "Réponse du conseil",
        "Passerelle",
        "Réponse de la famille",
    ],
    "decisions": [
        *ELEVE,
        "Date de naissance",
        "Codes voies décidées",
        "Voies décidées",
        "Formation professionnelle",
        "Maintien en 2de",
        "Conforme à la demande",
        "Décision prise le",
        "Date limite de recours",
    ],
}
TITRES = {"voeux": "Voeux", "reponses": "Réponses du conseil", "decisions": "Décisions"}


def _dossiers(campagne, divisions):
    return (
        Dossier.objects.filter(campagne=campagne, eleve__division__in=divisions)
        .select_related("eleve__division")
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom", "pk")
    )


def _eleve(dossier) -> list:
    e = dossier.eleve
    return [e.division.code if e.division else "", e.ine, e.nom, e.prenom]


def _oui_non(valeur: bool) -> str:
    return "oui" if valeur else "non"


def lignes_voeux(campagne, divisions):
    voeux = Voeu.objects.select_related("voie", "avis").prefetch_related("specialites")
    for dossier in _dossiers(campagne, divisions).prefetch_related(
        Prefetch("voeux", queryset=voeux.order_by("phase", "rang"), to_attr="voeux_lus")
    ):
        ordre = sorted(dossier.voeux_lus, key=lambda v: (v.phase != "provisoire", v.rang))
        for voeu in ordre:
            avis = getattr(voeu, "avis", None)
            yield [
                *_eleve(dossier),
                voeu.get_phase_display(),
                voeu.rang,
                voeu.voie.code,
                voeu.voie.libelle,
                ", ".join(s.libelle for s in voeu.specialites.all()),
                avis.get_valeur_display() if avis else "",
            ]


def lignes_reponses(campagne, divisions):
    propositions = Proposition.objects.select_related("voie", "voeu").order_by("pk")
    for dossier in (
        _dossiers(campagne, divisions)
        .select_related("reponse")
        .prefetch_related(
            Prefetch("propositions", queryset=propositions, to_attr="propositions_lues"),
            "reponse__propositions_acceptees",
        )
    ):
        reponse = getattr(dossier, "reponse", None)
        acceptees = {p.pk for p in reponse.propositions_acceptees.all()} if reponse else set()
        for p in dossier.propositions_lues:
            famille = ""
            if reponse is not None:
                if p.pk in acceptees:
                    famille = "acceptée"
                else:
                    famille = "refusée" if reponse.choix == "refuse" else "non retenue"
            yield [
                *_eleve(dossier),
                p.voeu.rang if p.voeu_id else "",
                p.voie.code,
                p.voie.libelle,
                p.get_reponse_display(),
                _oui_non(p.passerelle),
                famille,
            ]


def lignes_decisions(campagne, divisions):
    decisions = Decision.objects.prefetch_related("voies").order_by("prise_le", "id")
    for dossier in _dossiers(campagne, divisions).prefetch_related(
        Prefetch("decisions", queryset=decisions, to_attr="decisions_lues")
    ):
        if not dossier.decisions_lues:
            continue
        d = dossier.decisions_lues[-1]  # the last decision is the one in force
        voies = sorted(d.voies.all(), key=lambda v: (v.ordre, v.code))
        yield [
            *_eleve(dossier),
            dossier.eleve.date_naissance.strftime("%d/%m/%Y")
            if dossier.eleve.date_naissance
            else "",
            ";".join(v.code for v in voies),
            " ; ".join(v.libelle for v in voies),
            d.get_option_pro_display() if d.option_pro else "",
            _oui_non(d.maintien),
            _oui_non(d.conforme_a_la_demande),
            timezone.localdate(d.prise_le).strftime("%d/%m/%Y"),  # Paris day, not UTC
            d.date_limite_recours.strftime("%d/%m/%Y") if d.date_limite_recours else "",
        ]


LIGNES = {"voeux": lignes_voeux, "reponses": lignes_reponses, "decisions": lignes_decisions}


def jeu(quoi: str, campagne, divisions) -> tablib.Dataset:
    data = tablib.Dataset(headers=EN_TETES[quoi], title=TITRES[quoi])
    for ligne in LIGNES[quoi](campagne, divisions):
        data.append(ligne)
    return data


def exporter(quoi: str, fmt: str, campagne, divisions) -> bytes:
    data = jeu(quoi, campagne, divisions)
    if fmt == "csv":
        # A BOM so that spreadsheet software reads the accents; ';' as French software expects.
        return ("\ufeff" + data.export("csv", delimiter=";")).encode("utf-8")
    return data.export(fmt)
