"""Sample flows, their deployments and the demo (`make demo`)."""
