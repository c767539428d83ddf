from .dossier import Dossier, Etat, Evenement

__all__ = ["Dossier", "Etat", "Evenement"]
