"""Users, units, API tokens, login and its throttling."""
