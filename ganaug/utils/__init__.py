"""Plumbing every room uses: config checks, user errors, atomic files, Lightning trainers, progress, image grids,
the run's results file and the process set-up of each command."""
