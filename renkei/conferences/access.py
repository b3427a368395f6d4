"""Who may see support teams, conferences and action items (filled in with the models)."""
