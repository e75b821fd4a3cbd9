"""What every call of the service layer needs: the opened archive, the clock, the settings,
who this process is, and how to tell whether another one is alive. `wiring.open_app`
builds it (the composition root); everything else takes it as its first argument."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_importer.basics.clock import Clock, SystemClock
from desktop_importer.basics.media import MediaFolder
from desktop_importer.basics.settings import Settings
from desktop_importer.importing import guard
from desktop_importer.importing.owner import Owner, current_owner, owner_alive
from desktop_importer.store import Store

DEFAULT_PROFILE = "default"  # the profile of a person who never chose one


@dataclass
class App:
    """What every service call needs, built once by the entry point (the composition root)."""

    store: Store
    clock: Clock = field(default_factory=SystemClock)
    settings: Settings = field(default_factory=Settings)
    owner: Owner = field(default_factory=current_owner)
    probe: guard.OwnerProbe = owner_alive

    def close(self) -> None:
        self.store.close()

    def media_folder(self) -> MediaFolder:
        """The archive's files (media.py), beside its database."""
        return MediaFolder(self.store.path.parent / "media")
