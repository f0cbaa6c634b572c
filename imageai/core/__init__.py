"""Domain layer: models, rules and job logic, with no Qt."""
