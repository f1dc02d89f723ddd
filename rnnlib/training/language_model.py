"""A trained language model as one object: its parameters, its vocabulary, and how it was made."""
from dataclasses import dataclass, field

import numpy as np

from ..core.lm import describe
from ..data.chars import CharVocab


@dataclass
class LanguageModel:
    """A language model over characters (or words).

    parameters: dict of arrays named as in ``rnnlib.core.lm`` (cell type and depth are read off their
        shapes).  A one-layer RNN's dict has exactly the Dinosaur Island keys, so it can be handed
        to the course's ``sample`` as well as to ``rnnlib.training.sampling``.
    vocab: the vocabulary the ids refer to (a CharVocab for character models).
    config: JSON-serialisable facts: cell type, hidden size, dtype, corpus, training settings,
        best validation loss ...  Saved with the model.
    """

    parameters: dict
    vocab: CharVocab
    config: dict = field(default_factory=dict)

    @property
    def hidden_size(self):
        return self.parameters["Waa"].shape[1]

    @property
    def cell(self):
        return describe(self.parameters)[0]

    @property
    def layers(self):
        return describe(self.parameters)[1]

    @property
    def dtype(self):
        return self.parameters["Waa"].dtype

    def copy(self):
        """A deep copy of the parameters (the vocab and config are copied shallowly)."""
        return LanguageModel({k: np.array(v) for k, v in self.parameters.items()}, self.vocab, dict(self.config))


CharModel = LanguageModel  # the name the character-level notebooks use; the same class
