"""Performance patches, each with a link to its measurement in bench/RESULTS.md. Applied
explicitly at start, never as a side effect of an import."""
