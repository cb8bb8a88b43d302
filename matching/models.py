"""Need↔partner matches and the runs that produce them."""
