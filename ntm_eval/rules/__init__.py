"""Rule sets: the model, rule files and their checks."""
