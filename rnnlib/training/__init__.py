"""Training, sampling and model files for the fast path: trainers on batches, batched sampling,
``LanguageModel`` and its ``.npz`` + JSON files."""
