"""A small SIM Toolkit menu tree with frame ids, per port (docs/protocol.md, "SIM Toolkit").

``input_type`` goes out as a string, as in the spec's example: real firmware writes it that way,
so a client has to accept the string anyway. The ``stk_input_type_int`` switch sends the table's
Integer instead, as other firmware may.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISPLAY, DESKTOP, SELECT, YES_NO, DIGITS = 0, 1, 2, 3, 8
_MENU_TYPES = (DESKTOP, SELECT)
FIRST_FRAME_ID = 750  # the spec example's

# screen -> (title, text, input_type, [(item id, label, target screen)])
MENU: dict[str, tuple[str, str, int, list[tuple[int, str, str]]]] = {
    "home": (
        "SIM Services",
        "",
        SELECT,
        [(1, "Balance", "balance"), (2, "Top up", "topup"), (3, "Settings", "settings")],
    ),
    "balance": ("Balance", "Your balance is 12.34 EUR", DISPLAY, []),
    "topup": ("Top up", "Enter the voucher code", DIGITS, []),
    "topped": ("Top up", "Voucher accepted", DISPLAY, []),
    "settings": ("Settings", "", SELECT, [(1, "Language", "language"), (2, "Back", "home")]),
    "language": ("Language", "Use English?", YES_NO, []),
    "language_set": ("Language", "Language saved", DISPLAY, []),
}
# Where an answered input screen leads.
_ANSWERED = {"topup": "topped", "language": "language_set"}
_YES_NO = ("yes", "no", "y", "n", "1", "0")


@dataclass(slots=True)
class StkSession:
    """Where a port's SIM Toolkit is, and how many screens it has shown."""

    node: str = "home"
    history: list[str] = field(default_factory=list)
    frame_id: int = FIRST_FRAME_ID

    def view(self, *, input_type_int: bool = False) -> dict[str, Any]:
        """The GetSTKView answer: ``item`` only on menu screens, right after the title."""
        title, text, input_type, items = MENU[self.node]
        answer: dict[str, Any] = {"title": title}
        if input_type in _MENU_TYPES:
            answer["item"] = [
                {"item_id": item_id, "item_string": label} for item_id, label, _ in items
            ]
        written: int | str = input_type if input_type_int else str(input_type)
        answer |= {"text": text, "input_type": written, "frame_id": self.frame_id}
        return answer

    def go(self, *, item: int | None, param: str | None, action: str | None) -> bool:
        """Apply an STKGo; ``False`` when it does not fit the screen shown."""
        target = self._target(item=item, param=param, action=action)
        if target is None:
            return False
        if action == "home":
            self.history.clear()
        self._show(target, remember=action not in ("home", "cancel"))
        return True

    def _target(self, *, item: int | None, param: str | None, action: str | None) -> str | None:
        """The screen an STKGo leads to, or ``None`` when the one shown does not take it."""
        _title, _text, input_type, items = MENU[self.node]
        if action in ("home", "cancel"):
            return self.history.pop() if action == "cancel" and self.history else "home"
        if action not in (None, "ok"):
            return None
        if item is not None:
            target = next((node for item_id, _, node in items if item_id == item), None)
            return target if input_type in _MENU_TYPES else None
        answer = param or ""
        fits = {
            DIGITS: answer.isascii() and answer.isdigit(),  # 0-9 only, not "²"
            YES_NO: answer.lower() in _YES_NO,
            DISPLAY: action == "ok",  # a shown text is acknowledged
        }
        return _ANSWERED.get(self.node, "home") if fits.get(input_type, False) else None

    def _show(self, node: str, *, remember: bool = True) -> None:
        if remember:
            self.history.append(self.node)
        self.node = node
        self.frame_id += 1
