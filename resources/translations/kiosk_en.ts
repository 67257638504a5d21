<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en_GB">
<context>
    <name>AdminActions</name>
    <message>
        <source>Could not save the settings: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Settings saved.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Uploading…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Upload attempt finished.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exported %1 scans to %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <source>The camera setting cannot be used: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not in a venue fleet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>gone</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>not connected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none yet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Venue broker %1: %2. Other doors: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>kiosk scan up</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>screen up</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>screen and kiosk scan up</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Admin</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Accept (upload later)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entry points</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reward points</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Redeem points</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re-entry window (min)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unknown pass offline</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Verdict shown (s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sound</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hold verdict until tap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>on</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hide names (privacy)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start full-screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>0, 1, … or part of the name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Upload now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export journal (CSV)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Register again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Leave full-screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Full-screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit kiosk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Back to scanning</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CameraFeed</name>
    <message>
        <source>starting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ready</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>not found, retrying</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reconnecting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No camera picture. Use the USB scanner or type the code below.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No camera picture: type the API URL and the token instead.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>FirstRunScreen</name>
    <message>
        <source>Read the API URL and token from the QR code. Set the admin PIN, then press Register.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Registering with the server…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the API URL.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the workspace token (or show its QR code to the camera).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter a name for this device, e.g. door-3.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The admin PIN must be 4 to 12 digits.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The two PINs differ; type the same PIN twice.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Registered “%1” in workspace “%2”.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Set up this kiosk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copy the API URL and the workspace token from the Tiketo workspace page, or show its setup QR code to the camera.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Workspace token</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Device name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Admin PIN</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PIN again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>pasted or read from the QR code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>4 to 12 digits</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>empty: keep the current PIN</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Register</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start scanning</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Setup QR code: hold it in front of the camera</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <source>(offline)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last %1 scans</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search code or name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Verdict</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Points</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Upload</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No scans match.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No scans yet.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <source>The kiosk could not open its journal: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Tiketo kiosk</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message numerus="yes">
        <source>Wrong PIN. %n attempt(s) left.</source>
        <translation>
            <numerusform>Wrong PIN. %n attempt left.</numerusform>
            <numerusform>Wrong PIN. %n attempts left.</numerusform>
        </translation>
    </message>
    <message>
        <source>The admin PIN must be 4 to 12 digits.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The two PINs differ; start again.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Too many wrong PINs. Try again in %n s.</source>
        <translation>
            <numerusform>Too many wrong PINs. Try again in %n s.</numerusform>
            <numerusform>Too many wrong PINs. Try again in %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter the admin PIN</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type the new PIN again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose an admin PIN (4 to 12 digits)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>RegistrationFlow</name>
    <message>
        <source>Registration failed: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ScanningScreen</name>
    <message>
        <source>The server refused this device. Register it again in Admin.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Offline: %1 Scans are checked here and uploaded later.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>READY TO SCAN</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>READY: use the scanner or type the code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Admin</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type a code and press Enter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Trying…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Try now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>NOT CONNECTED</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n scan(s) waiting to upload</source>
        <translation>
            <numerusform>%n scan waiting to upload</numerusform>
            <numerusform>%n scans waiting to upload</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pass update(s) to send</source>
        <translation>
            <numerusform>%n pass update to send</numerusform>
            <numerusform>%n pass updates to send</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refused by the server</source>
        <translation>
            <numerusform>%n refused by the server</numerusform>
            <numerusform>%n refused by the server</numerusform>
        </translation>
    </message>
    <message>
        <source>last upload %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no upload yet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Today: %1 admitted · %2 rejected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Camera: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DEVICE REFUSED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>register again in Admin</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>● ONLINE</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>since %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>retry in %n s</source>
        <translation>
            <numerusform>retry in %n s</numerusform>
            <numerusform>retry in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>● OFFLINE</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <source>VALID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>VOIDED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>EXPIRED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>UNKNOWN</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ALREADY SCANNED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ERROR</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ACCEPTED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Valid</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Voided</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Expired</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Already scanned</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Event ticket</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loyalty card</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Coupon</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Store card</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Boarding pass</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pass</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>not sent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>waiting</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>uploaded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>rejected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>kept for its device</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ENTRY</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>REWARD</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>REDEEM</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>+%n point(s)</source>
        <translation>
            <numerusform>+%n point</numerusform>
            <numerusform>+%n points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>−%n point(s)</source>
        <translation>
            <numerusform>−%n point</numerusform>
            <numerusform>−%n points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s) ago</source>
        <translation>
            <numerusform>%n second ago</numerusform>
            <numerusform>%n seconds ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VerdictScreen</name>
    <message>
        <source>OFFLINE: will upload later</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tap the screen or press any key to continue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Expired on %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This pass has expired.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This pass has been voided.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Valid until %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No pass with this code in this workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Scanned here before.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>First scanned at %1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The kiosk could not check this code.</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>