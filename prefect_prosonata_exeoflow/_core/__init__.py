"""The shared HTTP core: one implementation of pacing, retries, errors and redaction."""
