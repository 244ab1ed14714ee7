"""Third-party agencies: registry, contracts, placements, data minimisation, portal and commission."""
