"""Tests for rnnlib.data.words: sentence and word tokenization, WordVocab, Keras-style sequences,
the tutorial's training pairs.  Everything runs offline on strings written here."""
import numpy as np
import pytest

from rnnlib.errors import CorpusError, VocabularyError
from rnnlib.data.words import (
    PAD,
    SENTENCE_END,
    SENTENCE_START,
    SPECIAL_TOKENS,
    UNKNOWN_TOKEN,
    WordVocab,
    join_words,
    split_sentences,
    strip_speakers,
    tokenize_sentences,
    word_tokenize,
)

# ----------------------------------------------------------------------------------------------
# Words


@pytest.mark.parametrize("text, tokens", [
    ("He left!", ["he", "left", "!"]),
    ("Hello, world.", ["hello", ",", "world", "."]),
    ("Stop; wait: go?", ["stop", ";", "wait", ":", "go", "?"]),
    ("(yes) [no] \"maybe\"", ["(", "yes", ")", "[", "no", "]", '"', "maybe", '"']),
    ("Wait... what -- now?!", ["wait", "...", "what", "--", "now", "?", "!"]),
    ("It costs 3.14 or 1,000 pounds", ["it", "costs", "3.14", "or", "1,000", "pounds"]),
    ("soft-conscienced men", ["soft-conscienced", "men"]),
])
def test_word_tokenize_splits_off_punctuation(text, tokens):
    assert word_tokenize(text) == tokens


@pytest.mark.parametrize("text, tokens", [
    ("We'll know't, don't we?", ["we'll", "know't", ",", "don't", "we", "?"]),  # inner apostrophes stay
    ("'Tis o' the clock", ["'", "tis", "o", "'", "the", "clock"]),  # leading / trailing ones do not
    ("the lovers' vows", ["the", "lovers", "'", "vows"]),
    ("it\u2019s curly", ["it\u2019s", "curly"]),
])
def test_word_tokenize_apostrophes(text, tokens):
    assert word_tokenize(text) == tokens


def test_word_tokenize_case():
    assert word_tokenize("He LEFT Rome") == ["he", "left", "rome"]
    assert word_tokenize("He LEFT Rome", lower=False) == ["He", "LEFT", "Rome"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_text_gives_no_tokens_or_sentences(text):
    assert word_tokenize(text) == []
    assert split_sentences(text) == []
    assert tokenize_sentences(text) == []


@pytest.mark.parametrize("bad", [None, 42, ["a", "list"], b"bytes"])
def test_non_strings_are_refused(bad):
    for fn in (word_tokenize, split_sentences, tokenize_sentences, strip_speakers):
        with pytest.raises(CorpusError, match="expected a string"):
            fn(bad)


# ----------------------------------------------------------------------------------------------
# Sentences


def test_split_sentences_on_terminal_punctuation():
    text = "He came. He saw!  Did he win? Yes."
    assert split_sentences(text) == ["He came.", "He saw!", "Did he win?", "Yes."]


def test_split_sentences_line_breaks_and_blank_lines():
    text = "A verse that runs\non to the next line.\nAnd then\n\na new paragraph without a stop\n\n\nlast"
    assert split_sentences(text) == [
        "A verse that runs on to the next line.",
        "And then",
        "a new paragraph without a stop",
        "last",
    ]


def test_split_sentences_keeps_closing_quotes_and_abbreviations():
    text = 'She said "Go home." Then Mr. Smith left, e.g. quickly. Dr. Who?! No...  fine.'
    assert split_sentences(text) == ['She said "Go home."', "Then Mr. Smith left, e.g. quickly.", "Dr. Who?!",
                                     "No...", "fine."]


def test_tokenize_sentences_multiple_sentences():
    assert tokenize_sentences("He left! She stayed, sadly.\n\n...") == [
        ["he", "left", "!"], ["she", "stayed", ",", "sadly", "."], ["..."]]


def test_strip_speakers():
    script = ("First Citizen:\nBefore we proceed, hear me.\n\nALL:\nSpeak, speak.\n\nLUCIO:\n\nWho's there:\nme."
              "\n\n3 KING HENRY VI:\nMy lords.")
    assert strip_speakers(script) == "Before we proceed, hear me.\n\nSpeak, speak.\n\nWho's there:\nme.\n\nMy lords."
    # a first line that ends with a colon but is not a name of capitalised words stays
    assert strip_speakers("Say no more:\nI know.") == "Say no more:\nI know."
    assert strip_speakers("") == ""


def test_join_words():
    assert join_words(["he", "left", "!"]) == "he left!"
    assert join_words(["(", "yes", ")", ",", "we'll", "go", "."]) == "(yes), we'll go."
    assert join_words([]) == ""


# ----------------------------------------------------------------------------------------------
# WordVocab

CORPUS = [["the", "cat", "sat", "."], ["the", "dog", "sat", "."], ["a", "cat", "!"]]


def test_build_orders_by_frequency_and_puts_specials_first():
    vocab = WordVocab.build(CORPUS, size=100)
    assert vocab.tokens[:3] == [SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN] == list(SPECIAL_TOKENS)
    assert (vocab.start_id, vocab.end_id, vocab.unknown_id) == (0, 1, 2)
    # counts 2: '.', cat, sat, the (alphabetical); counts 1: '!', a, dog
    assert vocab.tokens[3:] == [".", "cat", "sat", "the", "!", "a", "dog"]
    assert len(vocab) == 10 and vocab.kind == "words"
    assert vocab.word_to_index["cat"] == 4 and vocab.index_to_word[4] == "cat"
    assert vocab.PAD == PAD == -1


def test_size_limit_keeps_the_most_frequent_and_counts_the_rest_as_unknown():
    vocab = WordVocab.build(CORPUS, size=6)  # 3 specials + 3 words
    assert len(vocab) == 6
    assert vocab.tokens[3:] == [".", "cat", "sat"]
    assert vocab.counts == {SENTENCE_START: 3, SENTENCE_END: 3, UNKNOWN_TOKEN: 5, ".": 2, "cat": 2, "sat": 2}
    assert vocab.corpus_words == 7
    assert vocab.most_common(2) == [(".", 2), ("cat", 2)]
    assert list(vocab.encode(["the", "cat", "sat", "."])) == [2, 4, 5, 3]  # 'the' did not make the cut


def test_frequencies_add_up():
    vocab = WordVocab.build(CORPUS, size=100)
    words = sum(len(s) for s in CORPUS)
    assert sum(n for t, n in vocab.counts.items() if t not in (SENTENCE_START, SENTENCE_END)) == words
    assert vocab.counts[UNKNOWN_TOKEN] == 0


def test_unknown_words_map_to_unknown_token():
    vocab = WordVocab.build(CORPUS, size=100)
    ids = vocab.encode("The wolf sat!")
    assert list(ids) == [vocab.word_to_index["the"], 2, vocab.word_to_index["sat"], vocab.word_to_index["!"]]
    assert ids.dtype == np.int64
    assert vocab.decode(ids) == "the UNKNOWN_TOKEN sat!"
    assert vocab.encode("") .size == 0


def test_lookup_lowercases_token_lists_but_not_specials():
    vocab = WordVocab.build(CORPUS, size=100)
    assert list(vocab.encode(["The", "CAT", SENTENCE_END])) == [6, 4, 1]
    cased = WordVocab.build([["The", "cat"]], size=100, lower=False)
    assert list(cased.encode(["The", "the"])) == [cased.word_to_index["The"], 2]
    assert cased != WordVocab(cased.tokens, lower=True)


def test_decode_skips_padding_and_refuses_bad_ids():
    vocab = WordVocab.build(CORPUS, size=100)
    assert vocab.ids_to_tokens([0, 6, -1, -1]) == [SENTENCE_START, "the"]
    with pytest.raises(VocabularyError, match="id 10 is not in the vocabulary"):
        vocab.decode([3, 10])
    with pytest.raises(VocabularyError):
        vocab.decode([-2])


def test_equality_and_repr():
    a = WordVocab.build(CORPUS, size=100)
    b = WordVocab(list(a.tokens))
    assert a == b and b.counts is None and b.corpus_words is None
    assert a != WordVocab.build(CORPUS, size=6)
    assert a != list(a.tokens)
    assert "WordVocab(10 tokens" in repr(a)
    with pytest.raises(VocabularyError, match="no counts"):
        b.most_common()


@pytest.mark.parametrize("tokens, message", [
    (["a", "b", "c", "d"], "first tokens must be"),
    ([SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN], "at least one word"),
    ([SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN, "x", "x"], "unique"),
    ([SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN, ""], "non-empty strings"),
    ([SENTENCE_START, SENTENCE_END, UNKNOWN_TOKEN, 7], "non-empty strings"),
])
def test_bad_token_lists_are_refused(tokens, message):
    with pytest.raises(VocabularyError, match=message):
        WordVocab(tokens)


def test_bad_build_input_is_refused():
    with pytest.raises(VocabularyError, match="size"):
        WordVocab.build(CORPUS, size=3)
    with pytest.raises(VocabularyError, match="size"):
        WordVocab.build(CORPUS, size=5.0)
    with pytest.raises(CorpusError, match="no words"):
        WordVocab.build([], size=10)
    with pytest.raises(CorpusError, match="no words"):
        WordVocab.from_text("  \n ")
    with pytest.raises(CorpusError, match="reserved"):
        WordVocab.build([["a", UNKNOWN_TOKEN]], size=10)


def test_from_text():
    vocab = WordVocab.from_text("He left! He came back.", size=100)
    assert vocab.counts[SENTENCE_START] == 2 and vocab.tokens[3] == "he"


# ----------------------------------------------------------------------------------------------
# Keras-style sequences and the tutorial's training pairs


def test_texts_to_sequences_round_trip():
    vocab = WordVocab.build(CORPUS, size=100)
    seqs = vocab.texts_to_sequences(["The cat sat.", "A zebra!"])
    assert seqs == [[6, 4, 5, 3], [8, 2, 7]]
    assert all(isinstance(i, int) for s in seqs for i in s)
    assert vocab.sequences_to_texts(seqs) == ["the cat sat.", "a UNKNOWN_TOKEN!"]
    with pytest.raises(CorpusError, match="list of texts"):
        vocab.texts_to_sequences("The cat sat.")


def test_training_pair_is_start_words_and_words_end():
    vocab = WordVocab.build(CORPUS, size=100)
    x, y = vocab.training_pair("the cat sat .".split())
    assert list(x) == [0, 6, 4, 5, 3] and list(y) == [6, 4, 5, 3, 1]
    X, Y = vocab.training_pairs(["the dog", "a cat!"])
    assert [len(a) for a in X] == [3, 4] and all(list(a[1:]) == list(b[:-1]) for a, b in zip(X, Y))
    with pytest.raises(CorpusError, match="no words"):
        vocab.training_pair("")


# ---- issue 9 fuzz findings: bad arguments end in rnnlib errors, not TypeError/ValueError/OverflowError

def test_issue9_word_vocab_bad_arguments():
    from rnnlib.data.words import WordVocab, join_words, strip_speakers, word_tokenize
    from rnnlib.errors import ConfigError
    v = WordVocab.from_text("The cat sat. The dog ran!")
    with pytest.raises(VocabularyError, match="tokens must be a list"):
        WordVocab(1j)
    with pytest.raises(VocabularyError, match="counts"):
        WordVocab(["SENTENCE_START", "SENTENCE_END", "UNKNOWN_TOKEN", "cat"], [("cat", 1), ("x",)])
    with pytest.raises(CorpusError, match="sentences must be a list"):
        WordVocab.build(2.5)
    with pytest.raises(VocabularyError, match="whole-number ids"):
        v.decode([3, None])
    with pytest.raises(VocabularyError, match="flat sequence"):
        v.ids_to_tokens([[1, 2], [3]])
    with pytest.raises(ConfigError, match="n must be"):
        v.most_common("3")
    with pytest.raises(VocabularyError, match="sentence"):
        v.encode(None)
    with pytest.raises(CorpusError, match="texts must be a list"):
        v.texts_to_sequences(None)
    with pytest.raises(VocabularyError, match="sequences must be a list"):
        v.sequences_to_texts(None)
    with pytest.raises(CorpusError, match="sentences must be a list"):
        v.training_pairs(None)
    with pytest.raises(VocabularyError, match="tokens must be"):
        join_words(None)
    with pytest.raises(ConfigError, match="max_words"):
        strip_speakers("A:\nb", "4")
    with pytest.raises(ConfigError, match="lower"):
        word_tokenize("He left!", np.array([1, 2]))
