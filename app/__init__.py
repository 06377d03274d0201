"""The learner application shell: entry point, windows and wiring of the subsystems."""
