"""What every write of a fact shares: its inputs' cleaning, citations, slugs, and the
transaction that stores it with its revision."""
