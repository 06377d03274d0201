<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>CourseRatingDialog</name>
    <message>
        <source>Rate the course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rate each item from 1 (very dissatisfied) to 5 (very satisfied). The comment is optional.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You rated this course before. Change your rating and submit it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 out of 5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell us what was good and what should be improved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit rating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submitting your rating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your rating could not be submitted (%1). Your choices are kept: submit again when ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thank you for rating this course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This course has now been withdrawn and can no longer be studied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course design</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2 characters</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CourseTestDialog</name>
    <message>
        <source>Course test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass mark: %1 out of 100. Answer every question to submit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This course has no test questions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Single choice: choose one answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiple choice: choose every correct answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit answers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submitting your answers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your answers could not be submitted (%1). They are kept: submit again when ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You passed the test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You did not pass the test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score: %1 (pass mark: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending study time will be released when you pass.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can sit the test again from %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No pending study time was waiting for this test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending study time released: less than 1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending study time released: %1 min</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CoursesPage</name>
    <message>
        <source>Course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Length (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Studied (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start studying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the course test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rate this course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome, %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My courses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credited today: –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credited today: %1 of %2 min (the daily limit); %3 min pending a course test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today&apos;s limit is reached: study more tomorrow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not passed yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today&apos;s limit of credited study time is reached: courses open again tomorrow.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiagnosticsPage</name>
    <message>
        <source>Client version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Python</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qt / PySide6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free space in the data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video player (libVLC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clock difference to the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Records waiting for upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last synchronisation (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera was found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A virtual (software) camera was found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cameras could not be listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>libVLC is not available: reinstall the client with its VLC components.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No server address is set up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached (network down or connection refused).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s name could not be resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to the server failed (certificate or TLS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s key is not the pinned one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s answer is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server reported an error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered but is not healthy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection settings are not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server address is not secure (https is required).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talking to the server failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not measured: the server was not reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not send its time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The computer&apos;s clock is too far from the server&apos;s: study time is not counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No secure key store is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key store is locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key store did not answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This lab PC&apos;s key file is missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account may not read the lab PC&apos;s key file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lab PC&apos;s key file is not protected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: records will be uploaded when the server is reachable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the waiting records: contact support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never synchronised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not synchronised for more than a day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Little free space: course videos may not fit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data folder does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data folder&apos;s disk could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This check failed unexpectedly (see the client log).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collected (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not collected yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For support: this report holds no personal data (no name, ID number, phone number, password or key).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as text…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The report could not be saved there. Choose another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the diagnostics report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
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
    <name>FaceCheckFlow</name>
    <message>
        <source>Asking the training platform for a challenge…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the camera and the face models…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking with the training platform…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KioskExitDialog</name>
    <message>
        <source>Close the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the training centre&apos;s administrator can close the client on this PC. Enter the administrator PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending the study records to the platform…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform cannot be reached: %1 study records stay on this PC and are sent when the client next starts. Do not re-image or reset this PC before then, or they are lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 study records have not reached the platform yet, though it answers. The client stays open so that they are not lost; try again in a minute.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KioskGuard</name>
    <message>
        <source>Close the client (administrator)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LearnerApp</name>
    <message>
        <source>The previous learner was signed out. The next learner can sign in now.</source>
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
        <source>Demo: a platform with a demo learner and generated courses runs inside this program, and the camera is simulated (an animated photo). Records made here are marked as demo.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Study</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My courses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch learner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ettings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the course first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline · %1 waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 waiting to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>The account or the password is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SMS code is wrong or has expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account is locked after too many failed sign-ins. Try again later or ask your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account has been disabled by your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many attempts from this computer. Wait a minute and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in took too long. Start again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face does not match the registered learner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The liveness check failed: follow the prompts with your own face.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face was seen. Face the camera in good light.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many failed face checks. Sign in again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face is registered for this account yet. Ask your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your face registration is waiting for your training institution&apos;s approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer&apos;s identity does not match its registration. Contact support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMS sign-in is not available on this platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No learner is registered with this phone number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This version of the client is too old for the training platform. Install the latest installer from your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform does not recognise this client&apos;s institution settings. Install the client from your training institution&apos;s installer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another course is open on your account. Close it first: one course at a time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This course has been withdrawn by the platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This course no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The downloaded course video is damaged. It will be downloaded again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can rate a course after studying it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This study session was closed by the platform. Open the course again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face check is due now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This face picture was already used. Take the face check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A simulated camera is accepted only on a demo platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept a virtual (software) camera. Use a real camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If you think this is wrong, contact your training institution: the report is kept for its review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept study inside a virtual machine. Use the computer itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept study through remote desktop or screen sharing. Close the remote session and study at the computer itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution accepts study on one monitor only. Disconnect the other monitors.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept study while a screen recorder runs. Close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept study while an automation tool (simulated keyboard or mouse) runs. Close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your training institution does not accept study in this environment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face check was not made in time. A new one follows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform is busy checking faces. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face picture is larger than a face check sends. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This face check&apos;s challenge has expired. Take the check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face check&apos;s evidence was not signed by this computer. Contact support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face check&apos;s pictures do not fit its challenge. Take the check again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test opens once you have watched most of the course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You did not pass your last attempt: wait a few minutes before the next.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No attempts at this test are left today. Try again tomorrow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You have already passed this test.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This test paper was already answered or has expired. Open the test again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform cannot be reached. Check the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform&apos;s address cannot be found. Check the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform did not answer in time. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to the platform failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform&apos;s certificate is not the expected one: the connection was stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform had a problem. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The training platform gave an answer that cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not signed in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The downloaded update is not the one the platform signed, so it was deleted and not installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request failed (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You were signed out because your account signed in on another computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You were signed out because another learner signed in on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You were signed out: this account has been disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You have been signed out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session has expired. Please sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You were signed out after failing the face check. The time since the last passed check is not counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This course has been withdrawn: study has stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another course is open on your account: study has stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The platform has not been reachable for too long: study is paused until it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer&apos;s clock is wrong: study is paused until it is set correctly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study has stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This client has no institution settings (provisioning profile). Install it with your training institution&apos;s installer, or ask its administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) cannot be read: the file is damaged or is not a profile. Ask your training institution for its installer again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) were not issued for this training platform. Ask your training institution for the right installer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) have been changed after they were signed, so they are not used. Ask your training institution for its installer again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) need a newer client. Install the latest installer from your training institution.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This build of the client cannot check institution settings (no platform key is built in). Install the client from your training institution&apos;s installer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No training platform is configured: start with --server https://… or set APP_SERVER_URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This installation of the client is damaged. Install it again.</source>
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
        <source>Paused for a face check. Playback continues once it is passed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because the attendance prompt was not answered: that time is not counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study has stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused because your study record cannot be saved on this computer: time is not counted until it can.</source>
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
    <name>RecordDocument</name>
    <message>
        <source>Study sessions: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Records: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective study time: %1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending study time: %1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending time is credited as effective study time once the course test is passed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course duration (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study time record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective study time (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IP address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not passed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Studied (min)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not passed yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All dates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All courses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No study records for the selected dates and course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training institution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>DEMO: this record contains demo study sessions (shaded). They are not evidence of training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printed at %1 (Beijing time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format: notice 粤人社函〔2023〕339号, Attachment 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study sessions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Durations in minutes; times are Beijing time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No test results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No courses.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the study record as PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PDF could not be saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the study record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printing failed. Check the printer and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All courses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 %3 · account %4 · %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo record: not evidence of training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No study records for the selected dates and course.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click Refresh to load your study records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This list contains demo study sessions (shaded). They are not evidence of training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No test results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No courses.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My study records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only sessions from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Study records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Course progress</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInFlow</name>
    <message>
        <source>The SMS code was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Face registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No face is registered for this account yet. Register your face now? Your institution approves the registration before it is used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password accepted. Now the face check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identity confirmed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The face check was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Sign in to study</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone and SMS code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMS code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo: sign in as %1 with the password %2 (or phone %3; the SMS code appears in the client&apos;s log). The camera is simulated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your account and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking your password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your phone number and the SMS code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your phone number first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resend in %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo platform could not start (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready. Sign in to study.</source>
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
        <source>This lab PC has not been set up: its key file is missing, so your study records cannot be kept encrypted. Ask the training centre to run the lab PC setup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account may not use the lab PC&apos;s key file. Ask the training centre to add the account to the client&apos;s group.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lab PC&apos;s key file is not protected (others could read or replace it), so it is not used and the client will not start. Ask the training centre to run the lab PC setup again.</source>
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
    <message>
        <source>Study is paused: your latest study record could not be saved on this computer, so the time from now on would not count. Everything saved before is kept. %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StudyFlow</name>
    <message>
        <source>Preparing the course video…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Face check passed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A face check is required to go on studying: the course was closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StudyPage</name>
    <message>
        <source>Close the course</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close this course? Your place is saved, and it continues from here next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep studying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You did not answer in time: playback paused and the time since your last answer is not counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I am back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Are you still studying? Answer within %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes, I am here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: %1 records waiting to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading: %1 records waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All records uploaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credited today %1 of %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min waits for the course test to be passed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UpdateFlow</name>
    <message>
        <source>Version %1 of the client is available (this is %2). Download and install it now?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading version %1 of the client…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new version was downloaded and checked; it is installed now.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
