"""Tests for rnnlib.nn.summary."""
from rnnlib.nn import LSTM, Bidirectional, Dense, Embedding, Input, Sequential
from rnnlib.nn.summary import format_shape, summary_lines


def test_table_rows_and_totals():
    model = Sequential([Input((10,)), Embedding(100, 8), Bidirectional(LSTM(16, return_sequences=True)), LSTM(4), Dense(1)],
                       name="classifier")
    lines = summary_lines(model)
    assert lines[0] == 'Model: "classifier"'
    assert lines[2].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    rows = [l.split() for l in lines if l.startswith(" ") and "(" in l][1:]
    assert [r[-1] for r in rows] == ["800", "3,200", "592", "5"]
    assert "(None, 10, 32)" in lines[6]
    assert f"Total params: {800 + 3200 + 592 + 5:,}" in lines
    assert format_shape((3,)) == "(None, 3)"


def test_a_seven_digit_count_is_printed_whole():
    from rnnlib.nn import GRU, Dense, Embedding, Input, Sequential
    model = Sequential([Input((5,)), Embedding(20000, 50), GRU(4), Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert "1,000,000" in lines[0] and "…" not in lines[0].split("(None, 5, 50)")[1]
