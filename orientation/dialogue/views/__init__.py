"""The pages of the fiche dialogue, split by audience (ARCHITECTURE.md rule 2)."""
