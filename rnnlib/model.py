"""A trained language model as one object: its parameters, its vocabulary, and how it was made."""
from dataclasses import dataclass, field

import numpy as np

from .text import CharVocab


@dataclass
class CharModel:
    """A character-level language model.

    parameters: dict of arrays with the Dinosaur Island keys (``rnnlib.lm.PARAM_NAMES``), so it
        can be handed to the course's ``sample`` as well as to ``rnnlib.sampling``.
    vocab: the CharVocab the ids refer to.
    config: JSON-serialisable facts: cell type, hidden size, dtype, corpus, training settings,
        best validation loss ...  Saved with the model.
    """

    parameters: dict
    vocab: CharVocab
    config: dict = field(default_factory=dict)

    @property
    def hidden_size(self):
        return self.parameters["Waa"].shape[0]

    @property
    def dtype(self):
        return self.parameters["Waa"].dtype

    def copy(self):
        """A deep copy of the parameters (the vocab and config are copied shallowly)."""
        return CharModel({k: np.array(v) for k, v in self.parameters.items()}, self.vocab, dict(self.config))
