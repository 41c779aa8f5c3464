"""One module per resource group; each defines ``router`` (mounted under ``/api``)."""
