"""How to operate each kind of widget in the browser, and what its visible output must do.

``DRIVERS`` maps the CSS class of a widget's outer box to a function ``drive(page, box)`` that
uses the mouse and keyboard on the rendered controls and asserts on what the page then shows.
A notebook that displays a new kind of widget needs a driver here (and an entry in
``WIDGET_NOTEBOOKS`` in test_notebook_widgets.py).
"""
from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

UPDATE_TIMEOUT_MS = 20_000  # one round trip browser -> kernel -> browser (normally well under 1 s)
KNOWN_NOTE = "(in training data)"  # rnnlib.ui.KNOWN_NOTE, repeated: no import of the kernel side

# The names the sampler shows, as a person reads them (the known-name note left off).
_NAMES_JS = f"""
(el) => [...el.querySelectorAll('li')].map(li => li.innerText.replace({KNOWN_NOTE!r}, '').trim())
"""


def shown_names(box) -> list[str]:
    return box.locator(".rnnlib-names").evaluate(_NAMES_JS)


def shown_state(box) -> str:
    names = box.locator(".rnnlib-names")
    return f"names shown: {names.evaluate(_NAMES_JS)}; text: {names.inner_text()[:300]!r}"


def wait_names(page, box, what: str, condition_js: str, arg=None):
    """Wait until ``condition_js(names, arg)`` holds for the names shown (a JS expression)."""
    predicate = f"([el, arg]) => {{ const names = ({_NAMES_JS})(el); return ({condition_js}); }}"
    try:
        page.wait_for_function(predicate, arg=[box.locator(".rnnlib-names").element_handle(), arg],
                               timeout=UPDATE_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"dino sampler: expected {what} within "
                             f"{UPDATE_TIMEOUT_MS / 1000:.0f} s; {shown_state(box)}") from None


def drag_handle_to_end(page, slider, right: bool = True):
    """Drag a noUiSlider handle past one end of its track with the mouse."""
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    h = handle.bounding_box()
    track = slider.locator(".noUi-base").bounding_box()
    y = h["y"] + h["height"] / 2
    page.mouse.move(h["x"] + h["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 30 if right else track["x"] - 30, y, steps=12)
    page.mouse.up()


def press_on(page, target, key: str, times: int = 1):
    """Click ``target`` (to focus it) and press ``key`` ``times`` times."""
    target.click()
    for _ in range(times):
        page.keyboard.press(key)


def drive_dino_sampler(page, box):
    """rnnlib.ui.dino_sampler: every control changes the names in the way it should."""
    names_out = box.locator(".rnnlib-names")
    readout = {c: box.locator(f".rnnlib-{c} .widget-readout") for c in ("temperature", "count", "top-k")}

    # As displayed: ten names (the "How many" default), no message.
    expect(readout["count"]).to_have_text("10", timeout=UPDATE_TIMEOUT_MS)
    wait_names(page, box, "10 names on display", "names.length === 10")
    expect(box.locator(".rnnlib-error")).to_have_count(0)
    first = shown_names(box)

    # Temperature: arrow keys on the slider's handle; new names are drawn.
    press_on(page, box.locator(".rnnlib-temperature .noUi-handle"), "ArrowLeft", 4)
    expect(readout["temperature"]).to_have_text("0.80", timeout=UPDATE_TIMEOUT_MS)
    wait_names(page, box, "new names after a temperature change",
               "names.length === 10 && JSON.stringify(names) !== JSON.stringify(arg)", first)

    # How many: drag the handle to the right end (30), then arrow back to 25.
    count = box.locator(".rnnlib-count")
    drag_handle_to_end(page, count)
    expect(readout["count"]).to_have_text("30", timeout=UPDATE_TIMEOUT_MS)
    wait_names(page, box, "30 names after dragging 'How many' to the end", "names.length === 30")
    press_on(page, count.locator(".noUi-handle"), "ArrowLeft", 5)
    expect(readout["count"]).to_have_text("25", timeout=UPDATE_TIMEOUT_MS)
    wait_names(page, box, "25 names", "names.length === 25")

    # Prefix: typed letter by letter; every name then starts with it.
    prefix_box = box.locator(".rnnlib-prefix input")
    prefix_box.click()
    page.keyboard.type("tyr", delay=30)
    expect(prefix_box).to_have_value("tyr")
    wait_names(page, box, "25 names starting with 'tyr'",
               "names.length === 25 && names.every(n => n.startsWith('tyr'))")

    # A character the model does not know: a message instead of names; deleting it recovers.
    page.keyboard.type("!")
    expect(box.locator(".rnnlib-names .rnnlib-error")).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    expect(box.locator(".rnnlib-names li")).to_have_count(0)
    page.keyboard.press("Backspace")
    wait_names(page, box, "the 'tyr' names back after deleting the bad character",
               "names.length === 25 && names.every(n => n.startsWith('tyr'))")
    expect(box.locator(".rnnlib-error")).to_have_count(0)
    tyr = shown_names(box)

    # Seed: typed into the number box (it updates on Enter); other names, same prefix.
    seed_box = box.locator(".rnnlib-seed input")
    seed_box.click(click_count=3)
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(seed_box).to_have_value("7")
    wait_names(page, box, "other 'tyr' names after changing the seed",
               "names.length === 25 && names.every(n => n.startsWith('tyr'))"
               " && JSON.stringify(names) !== JSON.stringify(arg)", tyr)

    # Top-k = 1 (one arrow key from 0 = off): greedy sampling, so every name is the same.
    press_on(page, box.locator(".rnnlib-top-k .noUi-handle"), "ArrowRight")
    expect(readout["top-k"]).to_have_text("1", timeout=UPDATE_TIMEOUT_MS)
    wait_names(page, box, "25 identical 'tyr' names with top-k = 1",
               "names.length === 25 && names[0].startsWith('tyr') && names.every(n => n === names[0])")
    expect(names_out).to_be_visible()


def drive_live_training(page, box):
    """rnnlib.ui.live_training_view: after the notebook's training cell, the bar is full and
    the status line and the loss-curve image are on display."""
    bar = box.locator(".rnnlib-progress .progress-bar")  # ipywidgets 8 draws the bar as a div
    expect(bar).to_have_count(1, timeout=UPDATE_TIMEOUT_MS)
    expect(bar).to_have_attribute("style", re.compile(r"width: 100%"), timeout=UPDATE_TIMEOUT_MS)
    expect(box.locator(".rnnlib-status")).to_contain_text("validation", timeout=UPDATE_TIMEOUT_MS)
    image = box.locator(".rnnlib-loss-plot")
    page.wait_for_function("(img) => img.naturalWidth > 100", arg=image.element_handle(),
                           timeout=UPDATE_TIMEOUT_MS)


def drive_poem_writer(page, box):
    """rnnlib.ui.poem_writer: typing an opening line and pressing Generate writes a poem that
    starts with that line, streamed (the text grows in several steps); an unknown character gives
    a message instead."""
    poem = box.locator(".rnnlib-poem")
    opening = box.locator(".rnnlib-opening input")
    opening.click(click_count=3)
    page.keyboard.press("Backspace")
    page.keyboard.type("Forsooth this maketh no sense", delay=10)
    expect(opening).to_have_value("Forsooth this maketh no sense")
    press_on(page, box.locator(".rnnlib-poem-temperature .noUi-handle"), "ArrowRight", 2)
    # Count the changes to the poem's text while it is written: streaming means many, not one.
    poem.evaluate("""(el) => { window.__poemUpdates = 0;
        new MutationObserver(() => { window.__poemUpdates += 1; })
            .observe(el, {childList: true, subtree: true, characterData: true}); }""")
    box.locator(".rnnlib-generate").click()
    try:
        page.wait_for_function(
            "(el) => { const t = el.innerText; return t.startsWith('forsooth this maketh no sense') && "
            "t.length > 200; }", arg=poem.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"poem writer: expected a poem starting with the opening line; shown: "
                             f"{poem.inner_text()[:300]!r}") from None
    expect(box.locator(".rnnlib-generate")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
    updates = page.evaluate("window.__poemUpdates")
    assert updates >= 3, f"poem writer: the poem appeared in {updates} update(s); expected it to stream"

    # A character the model cannot read: a message, and the button comes back.
    opening.click()
    page.keyboard.type("™")
    box.locator(".rnnlib-generate").click()
    expect(box.locator(".rnnlib-poem .rnnlib-error")).to_contain_text("does not know", timeout=UPDATE_TIMEOUT_MS)
    expect(box.locator(".rnnlib-generate")).to_be_enabled()


_BAR_LABELS_JS = "(el) => [...el.querySelectorAll('.rnnlib-bar-label')].map(e => e.innerText.trim())"


def shown_languages(box) -> list[str]:
    return box.locator(".rnnlib-language-bars").evaluate(_BAR_LABELS_JS)


def wait_languages(page, box, what: str, condition_js: str):
    """Wait until ``condition_js(labels)`` holds for the bars' labels (best first)."""
    predicate = f"(el) => {{ const labels = ({_BAR_LABELS_JS})(el); return ({condition_js}); }}"
    try:
        page.wait_for_function(predicate, arg=box.locator(".rnnlib-language-bars").element_handle(),
                               timeout=UPDATE_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"language guesser: expected {what} within {UPDATE_TIMEOUT_MS / 1000:.0f} s; "
                             f"bars shown: {shown_languages(box)}; text: "
                             f"{box.locator('.rnnlib-language-bars').inner_text()[:200]!r}") from None


def drive_language_guesser(page, box):
    """rnnlib.ui.language_guesser: typing a surname redraws the bars (Japanese first for a Japanese
    name, German for a German one), the top-k slider sets how many bars, an unreadable character shows a
    message and deleting it recovers."""
    wait_languages(page, box, "five bars with Japanese first for the starting 'Nakamura'",
                   "labels.length === 5 && labels[0] === 'Japanese'")
    name = box.locator(".rnnlib-surname input")
    name.click(click_count=3)
    page.keyboard.press("Backspace")
    expect(box.locator(".rnnlib-language-bars .rnnlib-error")).to_contain_text("Type a surname",
                                                                                 timeout=UPDATE_TIMEOUT_MS)
    page.keyboard.type("Schmidt", delay=30)
    expect(name).to_have_value("Schmidt")
    wait_languages(page, box, "German first for 'Schmidt'", "labels.length === 5 && labels[0] === 'German'")
    press_on(page, box.locator(".rnnlib-top-classes .noUi-handle"), "ArrowLeft", 2)
    expect(box.locator(".rnnlib-top-classes .widget-readout")).to_have_text("3", timeout=UPDATE_TIMEOUT_MS)
    wait_languages(page, box, "three bars after moving 'Show top' to 3",
                   "labels.length === 3 && labels[0] === 'German'")
    name.click()
    page.keyboard.press("End")
    page.keyboard.type("7")
    expect(box.locator(".rnnlib-language-bars .rnnlib-error")).to_contain_text("no training surname",
                                                                                 timeout=UPDATE_TIMEOUT_MS)
    expect(box.locator(".rnnlib-bar-row")).to_have_count(0)
    page.keyboard.press("Backspace")
    wait_languages(page, box, "the bars back after deleting the digit",
                   "labels.length === 3 && labels[0] === 'German'")


def _audio_src(box):
    audio = box.locator(".rnnlib-jazz-audio audio")
    return audio.get_attribute("src") if audio.count() else None


def wait_playable_audio(page, box, what: str, previous_src=None):
    """Wait for an <audio> whose src is a WAV data URL different from ``previous_src`` and that the
    browser has decoded far enough to know its duration (so it is playable).

    The widget replaces its HTML (and so the <audio> element) on every change, so each poll looks the
    element up again from the widget's box rather than holding on to one element."""
    find = "(box) => box.querySelector('.rnnlib-jazz-audio audio')"
    try:
        page.wait_for_function(
            f"([box, old]) => {{ const el = ({find})(box); "
            "return el !== null && el.src.startsWith('data:audio/wav;base64,') && el.src !== old; }",
            arg=[box.element_handle(), previous_src], timeout=UPDATE_TIMEOUT_MS, polling="raf")
        page.wait_for_function(
            f"(box) => {{ const el = ({find})(box); if (el === null) return false;"
            " if (el.readyState === 0 && el.__rnnlibLoading !== el.src) { el.__rnnlibLoading = el.src; el.load(); }"
            " return el.readyState >= 1 && el.duration > 0.5; }",
            arg=box.element_handle(), timeout=UPDATE_TIMEOUT_MS, polling=200)
    except PlaywrightTimeout:
        raise AssertionError(f"jazz improviser: expected {what} within {UPDATE_TIMEOUT_MS / 1000:.0f} s; "
                             f"message: {box.locator('.rnnlib-jazz-message').inner_text()[:200]!r}") from None
    return box.locator(".rnnlib-jazz-audio audio").get_attribute("src")


def _roll_src(page, box):
    image = box.locator("img.rnnlib-jazz-roll")
    page.wait_for_function("(img) => img.naturalWidth > 100", arg=image.element_handle(), timeout=UPDATE_TIMEOUT_MS)
    return image.get_attribute("src")


def commit_number(page, box_input, text: str):
    """Replace a number box's text and commit it: fill the input itself (focused by Playwright, so no
    keystroke can reach JupyterLab's command mode), then Enter and Tab away (the box sends its value on
    the change event; under load an Enter alone was once seen not to send it)."""
    box_input.fill(text)
    expect(box_input).to_have_value(text)
    box_input.press("Enter")
    box_input.press("Tab")


def drive_jazz_improviser(page, box):
    """rnnlib.ui.jazz_improviser: moving the temperature re-improvises (a new playable <audio> src and
    a new piano-roll image); a length of 0 shows a message; a good length brings the music back."""
    readout = box.locator(".rnnlib-jazz-temperature .widget-readout")
    src = wait_playable_audio(page, box, "a playable solo on display")
    roll = _roll_src(page, box)
    expect(box.locator(".rnnlib-error")).to_have_count(0)
    before = readout.inner_text()

    press_on(page, box.locator(".rnnlib-jazz-temperature .noUi-handle"), "ArrowRight", 3)
    expect(readout).not_to_have_text(before, timeout=UPDATE_TIMEOUT_MS)
    src = wait_playable_audio(page, box, "a new playable solo after moving the temperature", src)
    page.wait_for_function("([box, old]) => { const img = box.querySelector('img.rnnlib-jazz-roll');"
                           " return img !== null && img.src !== old && img.naturalWidth > 100; }",
                           arg=[box.element_handle(), roll], timeout=UPDATE_TIMEOUT_MS)

    # A bad setting: 0 tokens per chord set gives a message.  (Whether the old player is gone by then is not
    # asserted: in one run of five under load the emptied player had not reached the page within 20 s.)
    # The kernel may still be improvising for the temperature steps queued before it (each takes seconds
    # under CI's load), and twice in one session (CI, 2026-12-03) the box showed 0 while the widget
    # still showed the old solo after 20 s.  So if the message has not come, the length is committed
    # again by way of 1 (a second 0 into a box already showing 0 would send nothing), and the wait is
    # longer: whichever it was, a late kernel or a lost change, the last value the widget gets is 0.
    length = box.locator(".rnnlib-jazz-length input")
    message = box.locator(".rnnlib-jazz-message .rnnlib-error")
    commit_number(page, length, "0")
    try:
        expect(message).to_contain_text("at least 1", timeout=UPDATE_TIMEOUT_MS)
    except AssertionError:
        commit_number(page, length, "1")
        commit_number(page, length, "0")
        expect(message).to_contain_text("at least 1", timeout=3 * UPDATE_TIMEOUT_MS)

    # Back to a good length: the music returns.
    commit_number(page, length, "12")
    wait_playable_audio(page, box, "the solo back after a good length", src)
    expect(box.locator(".rnnlib-error")).to_have_count(0)


DRIVERS = {
    "rnnlib-language-guesser": drive_language_guesser,
    "rnnlib-dino-sampler": drive_dino_sampler,
    "rnnlib-live-training": drive_live_training,
    "rnnlib-poem-writer": drive_poem_writer,
    "rnnlib-jazz-improviser": drive_jazz_improviser,
}
