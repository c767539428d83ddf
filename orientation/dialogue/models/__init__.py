from .conseil import Avis, Proposition
from .decision import Accord, Decision, Entretien, Recours, ReponseFamille
from .dossier import Dossier, Etat, Evenement
from .voeu import OptionPro, Saisie, Voeu

__all__ = [
    "Accord",
    "Avis",
    "Decision",
    "Dossier",
    "Entretien",
    "Etat",
    "Evenement",
    "OptionPro",
    "Proposition",
    "Recours",
    "ReponseFamille",
    "Saisie",
    "Voeu",
]
