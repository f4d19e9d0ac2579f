"""Safety plans (Stanley-Brown): versioned with the person, proposals, a printable page, PDF."""
