"""``model.summary()``: Keras's table of layers, output shapes and parameter counts.

The layout follows Keras 2's plain-text summary (Keras 3 draws the same columns with box
characters): one row per layer, ``None`` for the batch axis, then the totals.
"""


def format_shape(shape):
    return "(" + ", ".join(["None"] + [str(d) for d in shape]) + ("," if not shape else "") + ")"


def summary_lines(model, line_length=65):
    """The summary's lines for a Sequential model (built first if its input shape is known)."""
    model._require_built("summary")
    widths = (32, 24, line_length - 56)
    rows = [("Layer (type)", "Output Shape", "Param #")]
    for layer in model.layers:
        rows.append((f"{layer.name} ({type(layer).__name__})", format_shape(layer.output_shape), f"{layer.count_params():,}"))
    total = model.count_params()
    trainable = model.count_params(trainable_only=True)

    def row(cells):  # a cell too long for its column is cut, keeping one space before the next;
        # the last column (the count) is never cut: 1,000,000 must not read as 1,000,0…
        *first, last = cells
        return " " + ("".join(_fit(str(c), w) for c, w in zip(first, widths)) + str(last)).rstrip()

    lines = [f'Model: "{model.name}"', "_" * line_length, row(rows[0]), "=" * line_length]
    for k, r in enumerate(rows[1:]):
        lines.append(row(r))
        lines.append(("=" if k == len(rows) - 2 else "_") * line_length)
    if len(rows) == 1:
        lines.append("=" * line_length)
    lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}", f"Non-trainable params: {total - trainable:,}",
              "_" * line_length]
    return lines


def _fit(text, width):
    return (text if len(text) < width else text[: width - 2] + "…").ljust(width)
