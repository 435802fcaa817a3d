"""A small SIM Toolkit menu tree with frame ids, per port."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# node id -> (title, text, input_type, [(item id, label, target node)])
MENU: dict[str, tuple[str, str, int, list[tuple[int, str, str]]]] = {
    "home": (
        "SIM Services",
        "",
        2,
        [(1, "Balance", "balance"), (2, "Top up", "topup"), (3, "Settings", "settings")],
    ),
    "balance": ("Balance", "Your balance is 12.34 EUR", 0, []),
    "topup": ("Top up", "Enter the voucher code", 8, []),
    "topped": ("Top up", "Voucher accepted", 0, []),
    "settings": ("Settings", "", 2, [(1, "Language", "language"), (2, "Back", "home")]),
    "language": ("Language", "Use English?", 3, []),
}


@dataclass(slots=True)
class StkSession:
    """Where a port's SIM Toolkit is, and how many screens it has shown."""

    node: str = "home"
    history: list[str] = field(default_factory=list)
    frame_id: int = 750

    def view(self) -> dict[str, Any]:
        """The §13 answer."""
        title, text, input_type, items = MENU[self.node]
        answer: dict[str, Any] = {
            "title": title,
            "text": text,
            "input_type": str(input_type),
            "frame_id": self.frame_id,
        }
        if items:
            answer["item"] = [
                {"item_id": item_id, "item_string": label} for item_id, label, _ in items
            ]
        return answer

    def go(self, *, item: int | None, param: str | None, action: str | None) -> bool:
        """Apply an STKGo; ``False`` when it does not fit the screen."""
        _title, _text, input_type, items = MENU[self.node]
        if action == "home":
            target = "home"
        elif action == "cancel":
            target = self.history.pop() if self.history else "home"
        elif item is not None:
            target = next((node for item_id, _, node in items if item_id == item), "")
            if not target:
                return False
        elif param is not None or action == "ok":
            if input_type == 8 and not (param or "").isdigit():  # noqa: PLR2004
                return False
            target = "topped" if self.node == "topup" else "home"
        else:
            return False
        if action != "cancel":
            self.history.append(self.node)
        self.node = target
        self.frame_id += 1
        return True
