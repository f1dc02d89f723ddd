"""Keras's preprocessing names, for porting Keras code: a face over ``rnnlib.data.preprocessing``.

::

    from tensorflow.keras.preprocessing.text import Tokenizer              # Keras
    from tensorflow.keras.preprocessing.sequence import pad_sequences
    from tensorflow.keras.utils import to_categorical

    from rnnlib.preprocessing import Tokenizer, pad_sequences, to_categorical   # rnnlib

Like ``rnnlib/__init__.py`` this module only re-exports; the code lives in the ``rnnlib.data``
layer (``pad_sequences`` is the one in ``rnnlib.data.padding``).
"""
from .data.preprocessing import DEFAULT_FILTERS, Tokenizer, pad_sequences, text_to_word_sequence, to_categorical

__all__ = ["Tokenizer", "pad_sequences", "to_categorical", "text_to_word_sequence", "DEFAULT_FILTERS"]
