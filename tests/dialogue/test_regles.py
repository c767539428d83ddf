"""R8–R11 on plain data: named tests per rule, and a property test against an independent
oracle. No database."""

from dataclasses import replace

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from orientation.campagnes.models import Voie
from orientation.dialogue import regles
from orientation.dialogue.models import OptionPro
from orientation.dialogue.regles import Contexte, VoeuSaisi, verifier

SERIES = ["STMG", "STI2D", "STL", "ST2S", "STD2A", "STHR", "S2TMD", "STAV"]
VOIES = {
    "GENERALE": "generale",
    **dict.fromkeys(SERIES, "technologique"),
    "BT_MUSIQUE": "bt",
    "PRO": "professionnelle",
}
OFFRE = frozenset({"MATHS", "PC", "SVT", "SES", "HGGSP", "HLP", "LLCER", "NSI"})
HORS = frozenset({"SI", "LLCA", "ARTS_THEATRE", "EPPCS"})


def contexte(phase="definitive", **kwargs):
    valeurs = {
        "phase": phase,
        "nb_specialites_definitif": 3,
        "nb_specialites_provisoire": 4,
        "nb_specialites_provisoire_avec_hors": 5,
        "max_hors": 1,
        "offre": OFFRE,
        "voies": VOIES,
        "specialites": OFFRE | HORS,
        **kwargs,
    }
    return Contexte(**valeurs)


def generale(*specialites, **kwargs):
    return VoeuSaisi("generale", "GENERALE", tuple(specialites), **kwargs)


def techno(serie="STMG", **kwargs):
    return VoeuSaisi("technologique", serie, **kwargs)


def pro(option="1re_pro", **kwargs):
    return VoeuSaisi("professionnelle", "PRO", option_pro=option, **kwargs)


BT = VoeuSaisi("bt", "BT_MUSIQUE")


def champs(erreurs):
    return {(e.rang, e.champ) for e in erreurs}


def test_constantes_alignees_sur_les_modeles():
    assert set(regles.FAMILLES) == set(Voie.Famille.values)
    assert set(regles.OPTIONS_PRO) == set(OptionPro.values)


# R8 ---------------------------------------------------------------------------------------------


def test_R8_au_moins_un_choix():
    erreurs = verifier([], contexte())
    assert erreurs and erreurs[0].rang is None


def test_R8_onze_voies_distinctes_acceptees():
    voeux = [generale("MATHS", "PC", "SI"), *(techno(s) for s in SERIES), BT, pro()]
    assert len(voeux) == 11
    assert verifier(voeux, contexte()) == []


def test_R8_au_plus_onze_choix():
    voeux = [generale("MATHS", "PC", "SI"), *(techno(s) for s in SERIES), BT, pro(), techno()]
    assert any(e.rang is None for e in verifier(voeux, contexte()))


def test_R8_chaque_voie_une_seule_fois():
    erreurs = verifier([techno("STMG"), BT, techno("STMG")], contexte())
    assert champs(erreurs) == {(3, "voie")}


def test_R8_deux_series_differentes_sont_deux_voies():
    assert verifier([techno("STMG"), techno("STL")], contexte()) == []


def test_R8_rangs_de_1_a_n():
    assert (
        verifier([techno("STMG", rang=2), VoeuSaisi("bt", "BT_MUSIQUE", rang=1)], contexte()) == []
    )
    erreurs = verifier([techno("STMG", rang=1), VoeuSaisi("bt", "BT_MUSIQUE", rang=3)], contexte())
    assert champs(erreurs) == {(None, "rang")}
    erreurs = verifier([techno("STMG", rang=1), VoeuSaisi("bt", "BT_MUSIQUE", rang=1)], contexte())
    assert champs(erreurs) == {(None, "rang")}


def test_R8_ordre_de_preference_suit_les_rangs():
    voeux = [techno("STMG", rang=2), VoeuSaisi("bt", "BT_MUSIQUE", rang=1)]
    assert [v.voie_code for v in regles.dans_l_ordre(voeux)] == ["BT_MUSIQUE", "STMG"]


def test_R8_voie_hors_catalogue_refusee():
    erreurs = verifier([VoeuSaisi("bt", "INCONNUE"), VoeuSaisi("autre", "X")], contexte())
    assert champs(erreurs) == {(1, "voie"), (2, "voie")}


# R9 ---------------------------------------------------------------------------------------------


def test_R9_definitif_exactement_trois_librement_choisies():
    # Outside the school's offer is fine in the definitive phase.
    assert verifier([generale("SI", "LLCA", "EPPCS")], contexte()) == []
    assert champs(verifier([generale("MATHS", "PC")], contexte())) == {(1, "specialites")}
    assert champs(verifier([generale("MATHS", "PC", "SVT", "SES")], contexte())) == {
        (1, "specialites")
    }


def test_R9_provisoire_quatre_de_l_etablissement():
    ctx = contexte("provisoire")
    assert verifier([generale("MATHS", "PC", "SVT", "SES")], ctx) == []
    assert verifier([generale("MATHS", "PC", "SVT")], ctx) != []


def test_R9_provisoire_quatre_dont_une_hors_refusee():
    assert verifier([generale("MATHS", "PC", "SVT", "SI")], contexte("provisoire")) != []


def test_R9_provisoire_cinq_dont_une_hors_etablissement():
    ctx = contexte("provisoire")
    assert verifier([generale("MATHS", "PC", "SVT", "SES", "SI")], ctx) == []
    # five all offered in the school: the fifth is only for one outside it
    assert verifier([generale("MATHS", "PC", "SVT", "SES", "NSI")], ctx) != []
    # two outside the school: at most max_hors (1)
    assert verifier([generale("MATHS", "PC", "SVT", "LLCA", "SI")], ctx) != []


def test_R9_comptes_de_la_campagne():
    voeu = [generale("MATHS", "PC")]
    assert verifier(voeu, contexte()) != []
    assert verifier(voeu, contexte(nb_specialites_definitif=2)) == []
    deux_hors = [generale("MATHS", "PC", "SVT", "LLCA", "SI")]
    assert verifier(deux_hors, contexte("provisoire", max_hors=2)) == []


def test_R9_specialite_en_double_ou_inconnue():
    assert champs(verifier([generale("MATHS", "MATHS", "PC")], contexte())) == {(1, "specialites")}
    assert champs(verifier([generale("MATHS", "PC", "ASTRO")], contexte())) == {(1, "specialites")}


def test_R9_pas_de_specialite_hors_voie_generale():
    voeu = VoeuSaisi("technologique", "STMG", ("MATHS",))
    assert champs(verifier([voeu], contexte())) == {(1, "specialites")}


# R10 --------------------------------------------------------------------------------------------


def test_R10_techno_sans_serie_refusee():
    erreurs = verifier([BT, VoeuSaisi("technologique", "")], contexte())
    assert champs(erreurs) == {(2, "serie")}
    assert "série" in str(erreurs[0])


def test_R10_chacune_des_huit_series_acceptee():
    for serie in SERIES:
        assert verifier([techno(serie)], contexte()) == []


def test_R10_serie_qui_n_est_pas_une_serie():
    assert champs(verifier([VoeuSaisi("technologique", "GENERALE")], contexte())) == {(1, "serie")}


# R11 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["1re_pro", "2de_pro", "cap"])
def test_R11_une_des_trois_formations(option):
    assert verifier([pro(option)], contexte()) == []


@pytest.mark.parametrize("option", ["", "bac_pro"])
def test_R11_voie_pro_sans_formation_refusee(option):
    assert champs(verifier([pro(option)], contexte())) == {(1, "option_pro")}


def test_R11_formation_pro_hors_voie_pro_refusee():
    assert champs(verifier([techno("STMG", option_pro="cap")], contexte())) == {(1, "option_pro")}


def test_erreur_lisible_avec_son_rang():
    erreurs = verifier([BT, pro("")], contexte())
    assert str(erreurs[0]).startswith("Choix n° 2")


# Property test: accepted iff R8–R11 hold -------------------------------------------------------


def oracle(voeux, ctx):
    """R8–R11 written again, independently of regles.py."""
    n = len(voeux)
    if n < 1 or n > 11:
        return False
    positions = [v.rang if v.rang is not None else i + 1 for i, v in enumerate(voeux)]
    if set(positions) != set(range(1, n + 1)) or len(positions) != n:
        return False
    if len({v.voie_code for v in voeux}) != n:
        return False
    for v in voeux:
        if v.voie_code not in ctx.voies or ctx.voies[v.voie_code] != v.famille:
            return False
        if v.famille == "professionnelle":
            if v.option_pro not in ("1re_pro", "2de_pro", "cap"):
                return False
        elif v.option_pro:
            return False
        s = v.specialites
        if v.famille != "generale":
            if s:
                return False
            continue
        if len(set(s)) < len(s) or not set(s) <= ctx.specialites:
            return False
        if ctx.phase == "definitive":
            if len(s) != ctx.nb_specialites_definitif:
                return False
        else:
            hors = len(set(s) - ctx.offre)
            quatre = len(s) == ctx.nb_specialites_provisoire and hors == 0
            cinq = len(s) == ctx.nb_specialites_provisoire_avec_hors and 0 < hors <= ctx.max_hors
            if not (quatre or cinq):
                return False
    return True


specialite = st.sampled_from(sorted(OFFRE | HORS) + ["ASTRO"])
options = st.sampled_from(["", "1re_pro", "2de_pro", "cap", "bac_pro"])


@st.composite
def voeu_plausible(draw):
    """Mostly well-formed rows, so that accepted lists are frequent."""
    # 1re générale carries most of the rules (R9): drawn half of the time.
    code = draw(st.one_of(st.just("GENERALE"), st.sampled_from(sorted(VOIES))))
    famille = VOIES[code]
    if famille == "generale":
        dans = draw(st.lists(st.sampled_from(sorted(OFFRE)), min_size=2, max_size=6, unique=True))
        hors = draw(
            st.one_of(
                st.just([]),
                st.lists(
                    st.sampled_from([*sorted(HORS), "ASTRO"]), min_size=1, max_size=2, unique=True
                ),
            )
        )
        specialites = tuple(draw(st.permutations(dans + hors)))
        return VoeuSaisi(famille, code, specialites)
    if famille == "professionnelle":
        return VoeuSaisi(famille, code, option_pro=draw(st.sampled_from(regles.OPTIONS_PRO)))
    return VoeuSaisi(famille, code)


voeu_quelconque = st.builds(
    VoeuSaisi,
    famille=st.sampled_from([*regles.FAMILLES, "autre"]),
    voie_code=st.sampled_from([*VOIES, "", "INCONNUE"]),
    specialites=st.lists(specialite, max_size=6).map(tuple),
    option_pro=options,
    rang=st.one_of(st.none(), st.integers(0, 13)),
)


@st.composite
def voeu_abime(draw):
    """A plausible row with one field spoilt: the near misses the rules must catch."""
    voeu = draw(voeu_plausible())
    defaut = draw(st.sampled_from(["specialites", "doublon", "option_pro", "voie_code", "rang"]))
    if defaut == "specialites":
        return replace(voeu, specialites=(*voeu.specialites, draw(specialite)))
    if defaut == "doublon" and voeu.specialites:
        return replace(voeu, specialites=(*voeu.specialites, voeu.specialites[0]))
    if defaut == "option_pro":
        return replace(voeu, option_pro=draw(options))
    if defaut == "voie_code":
        return replace(voeu, voie_code=draw(st.sampled_from(["", "INCONNUE", *VOIES])))
    return replace(voeu, rang=draw(st.integers(0, 12)))


listes = st.one_of(
    st.lists(voeu_plausible(), min_size=1, max_size=11, unique_by=lambda v: v.voie_code).flatmap(
        lambda voeux: st.tuples(st.just(voeux), st.integers(0, len(voeux) - 1), voeu_abime()).map(
            lambda t: [*t[0][: t[1]], t[2], *t[0][t[1] + 1 :]]
        )
    ),
    st.lists(voeu_plausible(), min_size=1, max_size=11, unique_by=lambda v: v.voie_code),
    st.lists(st.one_of(voeu_plausible(), voeu_quelconque), max_size=13),
)

contextes = st.builds(
    lambda phase, n_def, n_prov, max_hors: contexte(
        phase,
        nb_specialites_definitif=n_def,
        nb_specialites_provisoire=n_prov,
        nb_specialites_provisoire_avec_hors=n_prov + 1,
        max_hors=max_hors,
    ),
    st.sampled_from(["provisoire", "definitive"]),
    st.integers(2, 4),
    st.integers(3, 5),
    st.integers(1, 2),
)


@settings(max_examples=500, deadline=None)
@given(voeux=listes, ctx=contextes)
@example(voeux=[generale("MATHS", "PC", "SVT", "SES", "NSI")], ctx=contexte("provisoire"))
@example(voeux=[generale("MATHS", "PC", "SVT", "SI")], ctx=contexte("provisoire"))
@example(voeux=[generale("MATHS", "PC", "SVT", "SI", "LLCA")], ctx=contexte("provisoire"))
@example(voeux=[VoeuSaisi("technologique", "")], ctx=contexte())
def test_R8_R11_liste_acceptee_si_et_seulement_si_les_regles_tiennent(voeux, ctx):
    erreurs = verifier(voeux, ctx)
    accepte = oracle(voeux, ctx)
    event("acceptée" if accepte else "refusée")
    assert (erreurs == []) == accepte, erreurs
    for e in erreurs:
        assert e.message and (e.rang is None or 0 <= e.rang <= 13)
