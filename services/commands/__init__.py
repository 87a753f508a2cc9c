"""Sub-commands of the `jatkumo` command line."""
