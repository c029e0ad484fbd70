"""Signal receivers of the tickets app."""
