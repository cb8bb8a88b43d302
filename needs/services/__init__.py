"""Writes on needs, one module per part of the work: submission (the
enterprise's own steps, calls and profiles), screening, review, shortlist,
duplicates, imports and exports."""
