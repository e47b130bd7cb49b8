"""Bodies (provincial and commune People's Committees), their rosters, working rules and working days."""
