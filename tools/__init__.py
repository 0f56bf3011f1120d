"""Scripts of the repository (make run, make smoke, the addon runner), importable by benches."""
