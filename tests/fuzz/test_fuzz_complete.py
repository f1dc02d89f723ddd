"""Every public callable has a fuzz case, or a stated reason why it has none.

The public faces are walked by ``public_api.public_callables`` (``rnnlib.__all__``,
``rnnlib.preprocessing``, ``rnnlib.nn``, ``rnnlib.ui`` and each ``rnnlib.course.*`` module), so a
function added to one of them without a case in ``cases.py`` / ``cases_more.py`` fails here.
Methods count for the classes a user calls methods on (``METHOD_CLASSES``); a layer's own
``build``/``forward``/``backward``/... are the contract between the layer and the model that runs
it, driven by the ``Sequential`` and ``UnrolledCellModel`` cases (their ``set_weights``, a user call,
has cases for Dense, LSTM and Embedding).
"""
from cases import CASES
from cases_more import MORE_CASES
from public_api import method_owners, public_callables

#: Classes whose public methods each need a case (users call them directly).
METHOD_CLASSES = {
    "Sequential", "UnrolledCellModel", "nn.History", "Tokenizer", "WordVectors", "BagOfWordsClassifier", "Word2Vec",
    "RNNNumpy", "CharVocab", "WordVocab", "LanguageModel", "CharModel", "TrainConfig", "History", "SGDHistory", "SGD",
    "Adam", "course.jazz.Adam", "EventModel", "EventConfig", "Solo", "Improvisation", "SurnameData",
    "SurnameClassifier", "DinoSampler", "PoemWriter", "LiveTrainingView", "LanguageGuesser", "JazzImproviser",
}

_RECORD = ("a NamedTuple record: building one checks nothing by design (like any tuple), and every function "
           "that reads one checks it first (as_cell_cache, as_sequence_caches and the backward functions have cases)")
_SHARED_LAYER = ("one of rnnlib.course.jazz's module-level layer objects (the 2018 edition's globals): a fuzz call "
                 "would build the shared object with bad shapes for every later user in the process; its class has "
                 "cases (LSTM, Dense, Reshape) and course_layers' fresh copies are driven by the djmodel cases")

#: Public callables without a case, and why.
EXEMPT = {
    "RNNCellCache": _RECORD, "LSTMCellCache": _RECORD, "GRUCellCache": _RECORD, "SequenceCaches": _RECORD,
    "StackedGRU": _RECORD,
    "LSTM_cell": _SHARED_LAYER, "densor": _SHARED_LAYER, "reshaper": _SHARED_LAYER, "reshapor": _SHARED_LAYER,
}


def required():
    """The public callables that need a case: every function and class, and the methods of METHOD_CLASSES."""
    owners = method_owners()
    return {name: obj for name, obj in public_callables().items() if name not in owners or owners[name] in METHOD_CLASSES}


def test_every_public_callable_has_a_fuzz_case_or_a_reason():
    cases = set(CASES) | set(MORE_CASES)
    missing = sorted(n for n in required() if n not in cases and n not in EXEMPT)
    assert not missing, f"public callables without a fuzz case (add one to tests/fuzz/cases_more.py): {missing}"


def test_the_exemptions_are_still_public_and_still_without_a_case():
    publics, cases = set(public_callables()), set(CASES) | set(MORE_CASES)
    assert set(EXEMPT) <= publics, sorted(set(EXEMPT) - publics)
    assert not set(EXEMPT) & cases, sorted(set(EXEMPT) & cases)
    assert all(len(reason) > 40 for reason in EXEMPT.values())


def test_the_walk_finds_the_faces_it_promises():
    found = public_callables()
    for name in ("rnn_forward", "Tokenizer", "text_to_word_sequence", "Sequential", "Sequential.fit", "plot_word_map",
                 "djmodel", "train_event_model", "surname_model", "course.rnn_step_by_step.as_cell_cache", "nn.History"):
        assert name in found, name
    assert len(required()) > 250
