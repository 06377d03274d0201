"""Playback backends behind one small interface: libVLC for real, a fake for unit tests.

libVLC is not reentrant: nothing here registers VLC event callbacks. The facade polls
the backend from a Qt timer on the GUI thread (as python-vlc's Qt example does), so no
VLC thread ever touches a widget or calls back into libVLC.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class BackendState(StrEnum):
    IDLE = "idle"
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


@dataclass(frozen=True)
class MediaProbe:
    """What the backend could read of a file before playing it."""

    readable: bool
    duration_ms: int
    video_codecs: tuple[str, ...]


class BackendUnavailableError(RuntimeError):
    """libVLC or its plugins are missing: a known condition, reported to the user."""


class PlaybackBackend(Protocol):
    def probe(self, path: Path) -> MediaProbe: ...
    def load(self, path: Path, start_ms: int) -> None: ...
    def bind_window(self, window_id: int) -> None: ...
    def play(self) -> None: ...
    def pause(self) -> None: ...
    def stop(self) -> None: ...
    def state(self) -> BackendState: ...
    def position_ms(self) -> int: ...
    def set_position_ms(self, position_ms: int) -> None: ...
    def rate(self) -> float: ...
    def set_rate(self, rate: float) -> None: ...
    def volume(self) -> int: ...
    def set_volume(self, volume: int) -> None: ...
    def has_video_output(self) -> bool: ...
    def dropped_frames(self) -> int: ...
    def decoded_video_frames(self) -> int: ...
    def version(self) -> str: ...
    def release(self) -> None: ...


# Everything that lets VLC itself react to the learner or to the network is switched off:
# the player's own keyboard and mouse handling (hotkeys seek and change speed), the
# on-screen display and title, and every control interface (HTTP, RC, telnet, Lua).
LOCKED_VLC_ARGS: tuple[str, ...] = (
    "--intf=dummy",
    "--extraintf=",
    "--control=",
    "--no-lua",
    "--no-keyboard-events",
    "--no-mouse-events",
    "--no-osd",
    "--no-video-title-show",
    "--no-snapshot-preview",
    "--no-sub-autodetect-file",
    "--rate=1.0",
    "--quiet",
)


class VlcBackend:
    """One libVLC instance and one media player, bound to a native window."""

    def __init__(self, extra_args: tuple[str, ...] = ()) -> None:
        # python-vlc fails in several ways when libVLC is missing or broken (ImportError,
        # OSError, or NameError/NotImplementedError from a CDLL(None)): all of them are
        # the same known condition for the learner.
        try:
            import vlc  # noqa: PLC0415 - a missing libVLC is a known, reported condition

            self._instance = vlc.Instance(list(LOCKED_VLC_ARGS + tuple(extra_args)))
        except Exception as error:
            raise BackendUnavailableError(f"libVLC could not be loaded: {error}") from error
        self._vlc = vlc
        if self._instance is None:
            raise BackendUnavailableError("libVLC started without its plugins (vlc-plugin-base)")
        self._player = self._instance.media_player_new()
        # Belt and braces with --no-keyboard-events: VLC must not see input on its window.
        self._player.video_set_key_input(False)
        self._player.video_set_mouse_input(False)
        self._media = None

    def probe(self, path: Path) -> MediaProbe:
        vlc = self._vlc
        media = self._instance.media_new_path(str(path))
        try:
            media.parse_with_options(vlc.MediaParseFlag.local, 5000)
            deadline = time.monotonic() + 6.0
            while media.get_parsed_status() == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            status = media.get_parsed_status()
            duration = media.get_duration()
            codecs = tuple(
                vlc.bytes_to_str(track.codec.to_bytes(4, "little"))
                if isinstance(track.codec, int)
                else str(track.codec)
                for track in (media.tracks_get() or ())
                if track.type == vlc.TrackType.video
            )
        finally:
            media.release()
        readable = status == vlc.MediaParsedStatus.done and duration > 0
        return MediaProbe(readable=readable, duration_ms=max(0, duration), video_codecs=codecs)

    def load(self, path: Path, start_ms: int) -> None:
        media = self._instance.media_new_path(str(path))
        if start_ms > 0:
            # Resume through the input's start time rather than a seek after play():
            # no frame of the earlier part is shown and no seek path is ever opened.
            media.add_option(f":start-time={start_ms / 1000:.3f}")
        self._player.set_media(media)
        if self._media is not None:
            self._media.release()
        self._media = media

    def bind_window(self, window_id: int) -> None:
        if sys.platform.startswith("linux"):
            self._player.set_xwindow(window_id)
        elif sys.platform == "win32":
            self._player.set_hwnd(window_id)
        elif sys.platform == "darwin":
            self._player.set_nsobject(window_id)

    def play(self) -> None:
        self._player.play()

    def pause(self) -> None:
        self._player.set_pause(1)

    def stop(self) -> None:
        self._player.stop()

    def state(self) -> BackendState:
        vlc_state = self._vlc.State
        return {
            vlc_state.NothingSpecial: BackendState.IDLE,
            vlc_state.Opening: BackendState.OPENING,
            vlc_state.Buffering: BackendState.OPENING,
            vlc_state.Playing: BackendState.PLAYING,
            vlc_state.Paused: BackendState.PAUSED,
            vlc_state.Stopped: BackendState.IDLE,
            vlc_state.Ended: BackendState.ENDED,
            vlc_state.Error: BackendState.ERROR,
        }[self._player.get_state()]

    def position_ms(self) -> int:
        return max(0, self._player.get_time())

    def set_position_ms(self, position_ms: int) -> None:
        self._player.set_time(int(position_ms))

    def rate(self) -> float:
        return float(self._player.get_rate())

    def set_rate(self, rate: float) -> None:
        self._player.set_rate(rate)

    def volume(self) -> int:
        return int(self._player.audio_get_volume())

    def set_volume(self, volume: int) -> None:
        self._player.audio_set_volume(int(volume))

    def has_video_output(self) -> bool:
        return bool(self._player.has_vout())

    def _stats(self):
        if self._media is None:
            return None
        stats = self._vlc.MediaStats()
        return stats if self._media.get_stats(stats) else None

    def dropped_frames(self) -> int:
        # libVLC reports dropped ("lost") pictures in the media statistics.
        stats = self._stats()
        return int(stats.lost_pictures) if stats else 0

    def decoded_video_frames(self) -> int:
        """Pictures a decoder produced: a clip shorter than one poll may come and go
        without the poll ever seeing its video output."""
        stats = self._stats()
        return int(stats.decoded_video) if stats else 0

    def version(self) -> str:
        return self._vlc.bytes_to_str(self._vlc.libvlc_get_version())

    def release(self) -> None:
        self._player.stop()
        if self._media is not None:
            self._media.release()
            self._media = None
        self._player.release()
        self._instance.release()
