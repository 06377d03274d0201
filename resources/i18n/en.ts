<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>FaceCheck</name>
    <message>
        <source>Look straight at the camera and keep still.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blink your eyes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slowly turn your head to your left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slowly turn your head to your right.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open your mouth.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nod your head.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face is visible: sit in front of the camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only you may be in the picture: ask others to step away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your face cannot be read: face the camera in good light.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move back from the camera a little.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move so that your whole face is in the oval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is too dark: turn on a light in front of you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is too bright: avoid a window or lamp shining on the camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The picture is blurred: keep still and clean the camera lens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look straight at the camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The action was not seen in time. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face was found. Sit in front of the camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your face left the picture. Stay in view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More than one face is in the picture. Only you may be in view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera delivers too few pictures. Close other programs using it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No live movement was seen. A photo or a still picture is not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A different movement was made. Follow the prompt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The person changed during the check. The check failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your face does not match the enrolled learner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move closer to the camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera was found. Connect a camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera is in use by another program. Close it and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The client may not use the camera. Allow camera access in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera stopped working. Check its cable and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The check was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face check could not be completed. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Face check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo: a simulated camera plays recorded pictures.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Face check passed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vocational Training Client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo mode: generated demo courses; records made here are marked as demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Courses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the current course</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerMessages</name>
    <message>
        <source>Paused. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because the window was minimised. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because the window was hidden. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because you switched to another window. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because the screen was locked. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because the computer went to sleep. Click Play to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because playback was tampered with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video file is missing. Download the course again or contact your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video file cannot be read (check its permissions and the disk).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video file is not the published one (its checksum differs). Download the course again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video file is incomplete or altered (its size differs). Download the course again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video file is damaged and cannot be played. Download the course again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The course video&apos;s length does not match the course catalogue. Download the course again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer has no decoder for the course video&apos;s format. Reinstall the client with its VLC components.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another course is open. Close it before opening a new one: only one course can be studied at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The video player could not start: VLC is not installed or incomplete.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerView</name>
    <message>
        <source>Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the course file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You have reached the end of this course video.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StoreMessages</name>
    <message>
        <source>No secure key store is available, so your study records cannot be kept encrypted and the client will not start. On Linux, install and unlock a Secret Service (for example gnome-keyring) and sign in again; on a lab machine, ask the training centre to set up the key store (see the installation guide).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key store is locked. Unlock it (your login keyring) and start the client again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key store did not answer. Start the client again; if this keeps happening, contact support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records on this computer cannot be opened with the key in your key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key of the study records on this computer is missing from the key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records file was damaged. It was kept under another name for support, and a new one will be started. Start the client again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The disk is full: study records cannot be saved. Free some space and start the client again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder of the study records is read-only. Ask the training centre to make it writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records are in use by another program. Close it and start the client again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records were written by a newer version of the client. Install the newer version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records could not be read or written (a disk error). Check the disk and start the client again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The study records could not be opened. Start the client again; if this keeps happening, contact support.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
