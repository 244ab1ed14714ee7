"""The compliance guard: jurisdiction profiles, the rules every contact must pass, and message lint."""
