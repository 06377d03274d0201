"""What the learner reads when a request fails: one translated sentence per known
reason code (the server's reason, else the sync error's code). Unknown codes get a
generic sentence with the code, for support."""

from __future__ import annotations

from qt_binding import QCoreApplication

translate = QCoreApplication.translate


def environment_refused_texts() -> dict[str, str]:
    """Why the institution will not let study happen here, by the server's refusal code
    (wire/environment.py): at sign-in and during a course alike."""
    ask = translate(
        "Messages",
        "If you think this is wrong, contact your training institution: the report is kept for its review.",  # noqa: E501
    )
    texts = {
        "environment_refused_virtual_machine": translate(
            "Messages",
            "Your training institution does not accept study inside a virtual machine. Use the computer itself.",  # noqa: E501
        ),
        "environment_refused_remote_session": translate(
            "Messages",
            "Your training institution does not accept study through remote desktop or screen sharing. Close the remote session and study at the computer itself.",  # noqa: E501
        ),
        "environment_refused_multiple_monitors": translate(
            "Messages",
            "Your training institution accepts study on one monitor only. Disconnect the other monitors.",  # noqa: E501
        ),
        "environment_refused_screen_recorder": translate(
            "Messages",
            "Your training institution does not accept study while a screen recorder runs. Close it.",  # noqa: E501
        ),
        "environment_refused_automation_tool": translate(
            "Messages",
            "Your training institution does not accept study while an automation tool (simulated keyboard or mouse) runs. Close it.",  # noqa: E501
        ),
        "environment_refused": translate(
            "Messages",
            "Your training institution does not accept study in this environment.",
        ),
        "environment_refused_virtual_camera": translate(
            "Messages",
            "Your training institution does not accept a virtual (software) camera. Use a real camera.",  # noqa: E501
        ),
    }
    return {code: f"{text} {ask}" for code, text in texts.items()}


def failure_text(code: str, reason: str = "") -> str:
    """`code`: the SyncError code (server_refused, network_down...); `reason`: the
    server's reason code when it refused."""
    texts = {
        # sign-in
        "invalid_credentials": translate("Messages", "The account or the password is wrong."),
        "invalid_code": translate("Messages", "The SMS code is wrong or has expired."),
        "account_locked": translate(
            "Messages",
            "This account is locked after too many failed sign-ins. Try again later or ask your training institution.",  # noqa: E501
        ),
        "account_disabled": translate(
            "Messages", "This account has been disabled by your training institution."
        ),
        "rate_limited": translate(
            "Messages", "Too many attempts from this computer. Wait a minute and try again."
        ),
        "challenge_expired": translate("Messages", "The sign-in took too long. Start again."),
        "face_not_matched": translate(
            "Messages", "The face does not match the registered learner."
        ),
        "liveness_failed": translate(
            "Messages", "The liveness check failed: follow the prompts with your own face."
        ),
        "no_face": translate("Messages", "No face was seen. Face the camera in good light."),
        "too_many_face_attempts": translate(
            "Messages", "Too many failed face checks. Sign in again later."
        ),
        "face_not_enrolled": translate(
            "Messages", "No face is registered for this account yet. Ask your training institution."
        ),
        "enrollment_pending": translate(
            "Messages",
            "Your face registration is waiting for your training institution's approval.",
        ),
        "device_key_mismatch": translate(
            "Messages", "This computer's identity does not match its registration. Contact support."
        ),
        "sms_unavailable": translate("Messages", "SMS sign-in is not available on this platform."),
        "unknown_phone": translate("Messages", "No learner is registered with this phone number."),
        "client_outdated": translate(
            "Messages",
            "This version of the client is too old for the training platform. Install the latest installer from your training institution.",  # noqa: E501
        ),
        "client_profile_unknown": translate(
            "Messages",
            "The training platform does not recognise this client's institution settings. Install the client from your training institution's installer.",  # noqa: E501
        ),
        # study
        "another_course_open": translate(
            "Messages",
            "Another course is open on your account. Close it first: one course at a time.",
        ),
        "course_delisted": translate("Messages", "This course has been withdrawn by the platform."),
        "unknown_course": translate("Messages", "This course no longer exists."),
        "media_checksum_mismatch": translate(
            "Messages", "The downloaded course video is damaged. It will be downloaded again."
        ),
        "not_studied": translate("Messages", "You can rate a course after studying it."),
        "study_session_ended": translate(
            "Messages", "This study session was closed by the platform. Open the course again."
        ),
        "no_check_due": translate("Messages", "No face check is due now."),
        "evidence_reused": translate(
            "Messages", "This face picture was already used. Take the face check again."
        ),
        "simulated_camera_refused": translate(
            "Messages", "A simulated camera is accepted only on a demo platform."
        ),
        "virtual_camera_refused": translate(
            "Messages",
            "Your training institution does not accept a virtual (software) camera. Use a real camera.",  # noqa: E501
        ),
        "check_expired": translate(
            "Messages", "The face check was not made in time. A new one follows."
        ),
        "face_matcher_busy": translate(
            "Messages", "The platform is busy checking faces. Try again in a moment."
        ),
        "image_too_large": translate(
            "Messages", "The face picture is larger than a face check sends. Try again."
        ),
        "face_challenge_expired": translate(
            "Messages", "This face check's challenge has expired. Take the check again."
        ),
        "bad_signature": translate(
            "Messages",
            "The face check's evidence was not signed by this computer. Contact support.",
        ),
        "burst_longer_than_issued": translate(
            "Messages", "The face check's pictures do not fit its challenge. Take the check again."
        ),
        "burst_out_of_order": translate(
            "Messages", "The face check's pictures do not fit its challenge. Take the check again."
        ),
        "bad_burst": translate(
            "Messages", "The face check's pictures do not fit its challenge. Take the check again."
        ),
        # the course test
        "test_not_open": translate(
            "Messages", "The test opens once you have watched most of the course."
        ),
        "test_cooldown": translate(
            "Messages", "You did not pass your last attempt: wait a few minutes before the next."
        ),
        "test_attempts_exhausted": translate(
            "Messages", "No attempts at this test are left today. Try again tomorrow."
        ),
        "test_already_passed": translate("Messages", "You have already passed this test."),
        "sitting_closed": translate(
            "Messages", "This test paper was already answered or has expired. Open the test again."
        ),
        # connection
        "network_down": translate(
            "Messages", "The training platform cannot be reached. Check the network."
        ),
        "dns_failure": translate(
            "Messages", "The training platform's address cannot be found. Check the network."
        ),
        "timeout": translate(
            "Messages", "The training platform did not answer in time. Try again."
        ),
        "tls_failure": translate("Messages", "The secure connection to the platform failed."),
        "tls_pin_mismatch": translate(
            "Messages",
            "The platform's certificate is not the expected one: the connection was stopped.",
        ),
        "server_error": translate(
            "Messages", "The training platform had a problem. Try again later."
        ),
        "malformed_response": translate(
            "Messages", "The training platform gave an answer that cannot be read."
        ),
        "not_signed_in": translate("Messages", "You are not signed in."),
        "release_file_mismatch": translate(
            "Messages",
            "The downloaded update is not the one the platform signed, so it was deleted and not installed.",  # noqa: E501
        ),
        **environment_refused_texts(),
    }
    for key in (reason, code):
        if key and key in texts:
            return texts[key]
    return translate("Messages", "The request failed (%1).").replace("%1", reason or code)


def sign_out_text(reason: str) -> str:
    """Why the learner was signed out (SignOutReason values)."""
    texts = {
        "signed_in_elsewhere": translate(
            "Messages", "You were signed out because your account signed in on another computer."
        ),
        "another_learner_on_device": translate(
            "Messages", "You were signed out because another learner signed in on this computer."
        ),
        "account_disabled": translate(
            "Messages", "You were signed out: this account has been disabled."
        ),
        "signed_out": translate("Messages", "You have been signed out."),
        "not_signed_in": translate("Messages", "Your session has expired. Please sign in again."),
        "face_check_failed": translate(
            "Messages",
            "You were signed out after failing the face check. The time since the last passed check is not counted.",  # noqa: E501
        ),
    }
    return texts.get(reason, translate("Messages", "You have been signed out."))


def study_stop_text(code: str) -> str:
    """Why study stopped (StudyStop values) when it is not a sign-out."""
    texts = {
        "course_delisted": translate(
            "Messages", "This course has been withdrawn: study has stopped."
        ),
        "another_course_open": translate(
            "Messages", "Another course is open on your account: study has stopped."
        ),
        "offline_too_long": translate(
            "Messages",
            "The platform has not been reachable for too long: study is paused until it is.",
        ),
        "clock_skew": translate(
            "Messages", "This computer's clock is wrong: study is paused until it is set correctly."
        ),
    }
    texts.update(environment_refused_texts())
    return texts.get(code, translate("Messages", "Study has stopped."))


def platform_problem_text(problem: str) -> str:
    """Why the client cannot connect to any platform (app.provisioning), and what to do."""
    texts = {
        "profile_missing": translate(
            "Messages",
            "This client has no institution settings (provisioning profile). Install it with your training institution's installer, or ask its administrator.",  # noqa: E501
        ),
        "profile_unreadable": translate(
            "Messages",
            "The institution settings (provisioning profile) cannot be read: the file is damaged or is not a profile. Ask your training institution for its installer again.",  # noqa: E501
        ),
        "profile_other_key": translate(
            "Messages",
            "The institution settings (provisioning profile) were not issued for this training platform. Ask your training institution for the right installer.",  # noqa: E501
        ),
        "profile_tampered": translate(
            "Messages",
            "The institution settings (provisioning profile) have been changed after they were signed, so they are not used. Ask your training institution for its installer again.",  # noqa: E501
        ),
        "profile_invalid": translate(
            "Messages",
            "The institution settings (provisioning profile) need a newer client. Install the latest installer from your training institution.",  # noqa: E501
        ),
        "profile_unverifiable": translate(
            "Messages",
            "This build of the client cannot check institution settings (no platform key is built in). Install the client from your training institution's installer.",  # noqa: E501
        ),
        "no_platform": translate(
            "Messages",
            "No training platform is configured: start with --server https://… or set APP_SERVER_URL.",  # noqa: E501
        ),
        "broken_build": translate(
            "Messages", "This installation of the client is damaged. Install it again."
        ),
    }
    return texts.get(problem, texts["profile_unreadable"])
