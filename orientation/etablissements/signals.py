from django.dispatch import Signal

# Sent by the SIECLE import once its changes are written, inside the same transaction, so that a
# receiver's writes (the fiches dialogue of orientation.dialogue) commit or roll back with them.
# Arguments: etablissement, diff (siecle.diff.Diff), auteur (User or None).
import_siecle_applique = Signal()
