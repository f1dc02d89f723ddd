"""The dinosaurs exercises (filled in by the exercise catalogue work)."""
EXERCISES = ()
