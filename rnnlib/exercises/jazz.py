"""The jazz exercises (filled in by the exercise catalogue work)."""
EXERCISES = ()
