"""What the learner reads when the local study-record store cannot be used, by error
code (sync.store / sync.keystore), through Qt translation."""

from __future__ import annotations

from qt_binding import QCoreApplication

translate = QCoreApplication.translate


def store_error_text(code: str) -> str:
    texts = {
        "no_key_store": translate(
            "StoreMessages",
            "No secure key store is available, so your study records cannot be kept encrypted and the client will not start. On Linux, install and unlock a Secret Service (for example gnome-keyring) and sign in again; on a lab machine, ask the training centre to set up the key store (see the installation guide).",
        ),
        "key_store_locked": translate(
            "StoreMessages",
            "The key store is locked. Unlock it (your login keyring) and start the client again.",
        ),
        "machine_key_missing": translate(
            "StoreMessages",
            "This lab PC has not been set up: its key file is missing, so your study records cannot be kept encrypted. Ask the training centre to run the lab PC setup.",
        ),
        "machine_key_denied": translate(
            "StoreMessages",
            "This account may not use the lab PC's key file. Ask the training centre to add the account to the client's group.",
        ),
        "machine_key_unsafe": translate(
            "StoreMessages",
            "The lab PC's key file is not protected (others could read or replace it), so it is not used and the client will not start. Ask the training centre to run the lab PC setup again.",
        ),
        "key_store_failed": translate(
            "StoreMessages",
            "The key store did not answer. Start the client again; if this keeps happening, contact support.",
        ),
        "store_wrong_key": translate(
            "StoreMessages",
            "The study records on this computer cannot be opened with the key in your key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.",
        ),
        "store_key_missing": translate(
            "StoreMessages",
            "The key of the study records on this computer is missing from the key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.",
        ),
        "store_corrupt": translate(
            "StoreMessages",
            "The study records file was damaged. It was kept under another name for support, and a new one will be started. Start the client again.",
        ),
        "store_disk_full": translate(
            "StoreMessages",
            "The disk is full: study records cannot be saved. Free some space and start the client again.",
        ),
        "store_read_only": translate(
            "StoreMessages",
            "The folder of the study records is read-only. Ask the training centre to make it writable.",
        ),
        "store_locked": translate(
            "StoreMessages",
            "The study records are in use by another program. Close it and start the client again.",
        ),
        "store_too_new": translate(
            "StoreMessages",
            "The study records were written by a newer version of the client. Install the newer version.",
        ),
        "store_io_error": translate(
            "StoreMessages",
            "The study records could not be read or written (a disk error). Check the disk and start the client again.",
        ),
    }
    return texts.get(
        code,
        translate(
            "StoreMessages",
            "The study records could not be opened. Start the client again; if this keeps happening, contact support.",
        ),
    )


def study_store_failed_text(code: str) -> str:
    """What the learner reads when a study record could not be saved during a course:
    study is held, what was saved is kept, and what to do (the store's own advice)."""
    held = translate(
        "StoreMessages",
        "Study is paused: your latest study record could not be saved on this computer, so the time from now on would not count. Everything saved before is kept. %1",
    )
    return held.replace("%1", store_error_text(code))
