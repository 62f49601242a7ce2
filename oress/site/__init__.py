"""The observatory website (`oress site`): static pages built from the published cells."""
