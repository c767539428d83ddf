"""An académie-sized base for the benchmarks only: schools, divisions, pupils, representatives with
accounts, campaigns in mixed states, wishes, council answers. Bulk inserts (bulk_create by batches
of 5,000 in one transaction), a single Argon2 hash shared by every account (hashing 90,000
passwords would take longer than the rest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/orientation_bench \\
        python -m bench.generateur --eleves 50000 --etablissements 30

Writes bench/var/manifeste-<database>.json: the accounts and dossiers the load generator replays.
Never run it against a real base: it refuses a base that already holds schools it did not write.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

MOT_DE_PASSE = "Bench-Orientation-2026"
PREFIXE_UAI = "09"  # UAI 09xxxxxB: fictitious codes, recognised as the bench's own
VAR = Path(__file__).resolve().parent / "var"


def manifeste_de_la_base() -> Path:
    """The manifest of the database Django is connected to: bench.run and bench.pilotage each
    build their own base, and one must not replay the other's accounts."""
    from django.db import connection

    return VAR / f"manifeste-{connection.settings_dict['NAME']}.json"


LOT = 5000

PRENOMS = "Léa Hugo Chloé Lucas Emma Nathan Manon Louis Inès Jules Sarah Adam Camille".split()  # noqa: SIM905
NOMS = "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau".split()  # noqa: SIM905

# The share of schools in each stage of the campaign (the académie is never in step).
STADES = [("intentions", 0.6), ("demandes", 0.2), ("reponse", 0.2)]

# The share of lists whose first wish is 1re générale, with its spécialités (R9: four in the
# intentions, three in the demandes, from the school's offer), then a technological series; the
# other lists name two series. Nationally about two pupils of 2de GT in three go to 1re générale.
PART_GENERALE = 0.65

# The shape of the data written here: bench.run rebuilds a base written with another shape.
# 2: 1re générale lists with their spécialités (before, every list named two series).
FORME = 2


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
    import django

    django.setup()


def _minuit(jours):
    from django.utils import timezone

    jour = timezone.localdate() + datetime.timedelta(days=jours)
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time()))


def _calendrier(stade):
    """Campaign dates putting the school at `stade` today."""
    decalage = {"intentions": 0, "demandes": -62, "reponse": -80}[stade]
    return {
        "provisoire_debut": _minuit(decalage - 3),
        "provisoire_fin": _minuit(decalage + 8),
        "definitive_debut": _minuit(decalage + 58),
        "definitive_fin": _minuit(decalage + 70),
        "reponse_limite": _minuit(decalage + 90),
    }


def base_existante() -> int:
    from orientation.etablissements.models import Eleve

    return Eleve.objects.filter(etablissement__uai__startswith=PREFIXE_UAI).count()


def construire(nb_eleves: int, nb_etab: int, seed: int = 2026, out=sys.stdout) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from orientation.accounts.models import Role, User
    from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
    from orientation.dialogue.models import Dossier, Etat, Proposition, Saisie, Voeu
    from orientation.etablissements.models import (
        Division,
        Eleve,
        Etablissement,
        Lien,
        Personnel,
        Responsable,
    )

    rnd = random.Random(seed)
    debut = time.monotonic()
    now = timezone.now()
    mot_de_passe = make_password(MOT_DE_PASSE)
    voies = {v.code: v for v in Voie.objects.all()}
    techno = [v for v in voies.values() if v.famille == "technologique"][:3]
    annee = timezone.localdate().year - (timezone.localdate().month < 8)
    offre = list(Specialite.objects.filter(actif=True)[:9])

    def bulk(model, objets):
        model.objects.bulk_create(objets, batch_size=LOT)
        return objets

    with transaction.atomic():
        etabs = bulk(
            Etablissement,
            [
                Etablissement(uai=f"{PREFIXE_UAI}{i:05d}B", nom=f"Lycée de banc {i}", commune="X")
                for i in range(nb_etab)
            ],
        )
        stades = []
        for i, _etab in enumerate(etabs):
            seuil, cumul = (i + 0.5) / nb_etab, 0.0
            stade = STADES[-1][0]
            for nom, part in STADES:
                cumul += part
                if seuil <= cumul:
                    stade = nom
                    break
            stades.append(stade)
        campagnes = bulk(
            Campagne,
            [
                Campagne(etablissement=e, annee=annee, **_calendrier(s))
                for e, s in zip(etabs, stades, strict=True)
            ],
        )
        for c in campagnes:
            c.specialites_offertes.set(offre)
        par_etab = -(-nb_eleves // nb_etab)  # at least nb_eleves
        divisions = []
        for e in etabs:
            for d in range(max(1, par_etab // 35)):
                divisions.append(
                    Division(etablissement=e, code=f"2D{d + 1}", libelle="2de", est_seconde_gt=True)
                )
        bulk(Division, divisions)
        div_par_etab: dict[int, list] = {}
        for d in divisions:
            div_par_etab.setdefault(d.etablissement_id, []).append(d)

        eleves = []
        for e in etabs:
            divs = div_par_etab[e.pk]
            for n in range(par_etab):
                eleves.append(
                    Eleve(
                        etablissement=e,
                        siecle_id=str(100000 + n),
                        nom=rnd.choice(NOMS),
                        prenom=rnd.choice(PRENOMS),
                        date_naissance=datetime.date(2010, 1 + n % 12, 1 + n % 28),
                        division=divs[n % len(divs)],
                    )
                )
        bulk(Eleve, eleves)
        out.write(f"  {len(eleves)} élèves ({time.monotonic() - debut:.0f} s)\n")

        # 1.8 representatives per pupil: four in five have two.
        nb_resp = [1 if i % 5 == 0 else 2 for i in range(len(eleves))]
        users, resps = [], []
        for eleve, k in zip(eleves, nb_resp, strict=True):
            for j in range(k):
                ident = f"r{eleve.etablissement_id}-{eleve.siecle_id}-{j}"
                users.append(
                    User(
                        username=ident,
                        password=mot_de_passe,
                        first_name=rnd.choice(PRENOMS),
                        last_name=eleve.nom,
                        email=f"{ident}@famille.example",
                        activated_at=now,
                    )
                )
        bulk(User, users)
        iu = iter(users)
        for eleve, k in zip(eleves, nb_resp, strict=True):
            for j in range(k):
                u = next(iu)
                resps.append(
                    Responsable(
                        etablissement_id=eleve.etablissement_id,
                        siecle_id=f"{eleve.siecle_id}{j}",
                        nom=u.last_name,
                        prenom=u.first_name,
                        email=u.email,
                        user=u,
                    )
                )
        bulk(Responsable, resps)
        ir = iter(resps)
        liens = []
        for eleve, k in zip(eleves, nb_resp, strict=True):
            for _j in range(k):
                liens.append(Lien(eleve=eleve, responsable=next(ir), niveau=1, code_parente="10"))
        bulk(Lien, liens)
        out.write(
            f"  {len(resps)} représentants et leurs comptes ({time.monotonic() - debut:.0f} s)\n"
        )

        # Staff: a head per school, a professeur principal per division.
        staff_users, postes = [], []
        for e in etabs:
            staff_users.append(User(username=f"chef-{e.uai}", password=mot_de_passe))
            for d in div_par_etab[e.pk]:
                staff_users.append(User(username=f"pp-{e.uai}-{d.code}", password=mot_de_passe))
        for u in staff_users:
            u.activated_at = now
            u.last_name = u.username
        bulk(User, staff_users)
        iu = iter(staff_users)
        pp_div = []
        for e in etabs:
            postes.append(Personnel(user=next(iu), etablissement=e, role=Role.CHEF_ETABLISSEMENT))
            for d in div_par_etab[e.pk]:
                p = Personnel(user=next(iu), etablissement=e, role=Role.PROFESSEUR_PRINCIPAL)
                postes.append(p)
                pp_div.append((p, d))
        bulk(Personnel, postes)
        Personnel.divisions.through.objects.bulk_create(
            [Personnel.divisions.through(personnel_id=p.pk, division_id=d.pk) for p, d in pp_div],
            batch_size=LOT,
        )

        # Dossiers in the states of their school's stage.
        stade_etab = {e.pk: s for e, s in zip(etabs, stades, strict=True)}
        campagne_etab = {c.etablissement_id: c for c in campagnes}
        dossiers = []
        for eleve in eleves:
            stade = stade_etab[eleve.etablissement_id]
            if stade == "intentions":
                etat = Etat.INTENTIONS_VALIDEES if rnd.random() < 0.3 else Etat.INTENTIONS_OUVERTES
            elif stade == "demandes":
                etat = Etat.VOEUX_VALIDES if rnd.random() < 0.5 else Etat.AVIS_ACCUSE
            else:
                etat = Etat.PROPOSITIONS_PUBLIEES
            dossiers.append(
                Dossier(campagne=campagne_etab[eleve.etablissement_id], eleve=eleve, etat=etat)
            )
        bulk(Dossier, dossiers)
        premier_resp = {}
        for lien in liens:
            premier_resp.setdefault(lien.eleve_id, lien.responsable)

        voeux, saisies, specialites_des_voeux = [], [], []
        for d in dossiers:
            phases = []
            if d.etat != Etat.INTENTIONS_OUVERTES:
                phases.append(Phase.PROVISOIRE)
            if d.etat in (Etat.VOEUX_VALIDES, Etat.PROPOSITIONS_PUBLIEES):
                phases.append(Phase.DEFINITIVE)
            resp = premier_resp[d.eleve_id]
            generale = rnd.random() < PART_GENERALE
            for phase in phases:
                if generale:
                    voeu = Voeu(dossier=d, phase=phase, rang=1, voie=voies["GENERALE"])
                    nombre = 4 if phase == Phase.PROVISOIRE else 3
                    specialites_des_voeux.append((voeu, rnd.sample(offre, nombre)))
                    voeux += [voeu, Voeu(dossier=d, phase=phase, rang=2, voie=rnd.choice(techno))]
                else:
                    for rang, voie in enumerate(techno[:2], start=1):
                        voeux.append(Voeu(dossier=d, phase=phase, rang=rang, voie=voie))
                saisies.append(
                    Saisie(
                        dossier=d,
                        phase=phase,
                        valide_par=resp,
                        valide_par_compte_id=resp.user_id,
                        premiere_validation_le=now,
                        valide_le=now,
                    )
                )
        bulk(Voeu, voeux)
        bulk(
            Voeu.specialites.through,
            [
                Voeu.specialites.through(voeu_id=voeu.pk, specialite_id=s.pk)
                for voeu, choisies in specialites_des_voeux
                for s in choisies
            ],
        )
        bulk(Saisie, saisies)
        propositions = bulk(
            Proposition,
            [
                Proposition(dossier_id=v.dossier_id, voeu=v, voie=v.voie, reponse="oui")
                for v in voeux
                if v.phase == Phase.DEFINITIVE and v.dossier.etat == Etat.PROPOSITIONS_PUBLIEES
            ],
        )
        out.write(
            f"  {len(dossiers)} dossiers, {len(voeux)} vœux, {len(propositions)} réponses du "
            f"conseil ({time.monotonic() - debut:.0f} s)\n"
        )

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")

    # The manifest: who the load generator plays.
    proposition_de = {}
    for p in propositions:
        proposition_de.setdefault(p.dossier_id, p.pk)
    familles = []
    for d in dossiers:
        resp = premier_resp[d.eleve_id]
        stade = stade_etab[d.eleve.etablissement_id]
        if stade == "demandes":
            continue
        familles.append(
            {
                "username": resp.user.username,
                "dossier": d.pk,
                "stade": stade,
                "proposition": proposition_de.get(d.pk),
            }
        )
    rnd.shuffle(familles)
    manifeste = {
        "forme": FORME,
        "mot_de_passe": MOT_DE_PASSE,
        # What a family of the journey may tick for 1re générale (R9): four of the offer.
        "specialites_offertes": [s.code for s in offre[:4]],
        "familles": familles[:20000],
        "professeurs": [p.user.username for p, _d in pp_div],
        "chefs": [{"username": f"chef-{e.uai}", "uai": e.uai} for e in etabs],
        "eleves": len(eleves),
        "representants": len(resps),
        "etablissements": len(etabs),
        "duree_s": round(time.monotonic() - debut, 1),
    }
    VAR.mkdir(exist_ok=True)
    VAR.mkdir(exist_ok=True)
    manifeste_de_la_base().write_text(json.dumps(manifeste))
    return manifeste


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eleves", type=int, default=50000)
    parser.add_argument("--etablissements", type=int, default=30)
    args = parser.parse_args(argv)
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    deja = base_existante()
    if deja:
        print(f"La base contient déjà {deja} élèves de banc d'essai : rien à faire.")
        return
    m = construire(args.eleves, args.etablissements)
    print(f"Base construite en {m['duree_s']} s.")


if __name__ == "__main__":
    main()
