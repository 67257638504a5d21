<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL">
<context>
    <name>AdminActions</name>
    <message>
        <source>Could not save the settings: %1</source>
        <translation>Nie udało się zapisać ustawień: %1</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Zapisano ustawienia.</translation>
    </message>
    <message>
        <source>Uploading…</source>
        <translation>Wysyłanie…</translation>
    </message>
    <message>
        <source>Upload attempt finished.</source>
        <translation>Próba wysyłki zakończona.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Eksportowanie…</translation>
    </message>
    <message>
        <source>Exported %1 scans to %2</source>
        <translation>Wyeksportowano skany (%1) do %2</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Eksport nie powiódł się: %1</translation>
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <source>The camera setting cannot be used: %1</source>
        <translation>Nie można użyć tego ustawienia kamery: %1</translation>
    </message>
    <message>
        <source>Not in a venue fleet.</source>
        <translation>Poza siecią kiosków obiektu.</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>połączony</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>nieobecny</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>czeka</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>brak połączenia</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>jeszcze żadnych</translation>
    </message>
    <message>
        <source>Venue broker %1: %2. Other doors: %3</source>
        <translation>Broker obiektu %1: %2. Inne wejścia: %3</translation>
    </message>
    <message>
        <source>kiosk scan up</source>
        <translation>kiosk scan działa</translation>
    </message>
    <message>
        <source>screen up</source>
        <translation>ekran działa</translation>
    </message>
    <message>
        <source>screen and kiosk scan up</source>
        <translation>ekran i kiosk scan działają</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Administracja</translation>
    </message>
    <message>
        <source>Accept (upload later)</source>
        <translation>Przyjmij (wyślij później)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Odrzuć</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Tryb</translation>
    </message>
    <message>
        <source>Entry points</source>
        <translation>Punkty za wejście</translation>
    </message>
    <message>
        <source>Reward points</source>
        <translation>Punkty nagrody</translation>
    </message>
    <message>
        <source>Redeem points</source>
        <translation>Punkty do wykorzystania</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Język</translation>
    </message>
    <message>
        <source>Re-entry window (min)</source>
        <translation>Okno ponownego wejścia (min)</translation>
    </message>
    <message>
        <source>Unknown pass offline</source>
        <translation>Nieznany karnet offline</translation>
    </message>
    <message>
        <source>Verdict shown (s)</source>
        <translation>Czas wyniku (s)</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>Dźwięk</translation>
    </message>
    <message>
        <source>Hold verdict until tap</source>
        <translation>Trzymaj wynik do dotknięcia</translation>
    </message>
    <message>
        <source>on</source>
        <translation>włączony</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Hide names (privacy)</source>
        <translation>Ukryj nazwiska (prywatność)</translation>
    </message>
    <message>
        <source>Start full-screen</source>
        <translation>Uruchamiaj na pełnym ekranie</translation>
    </message>
    <message>
        <source>0, 1, … or part of the name</source>
        <translation>0, 1, … lub część nazwy</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Zapisz ustawienia</translation>
    </message>
    <message>
        <source>Upload now</source>
        <translation>Wyślij teraz</translation>
    </message>
    <message>
        <source>Export journal (CSV)</source>
        <translation>Eksportuj dziennik (CSV)</translation>
    </message>
    <message>
        <source>Register again</source>
        <translation>Zarejestruj ponownie</translation>
    </message>
    <message>
        <source>Leave full-screen</source>
        <translation>Wyjdź z pełnego ekranu</translation>
    </message>
    <message>
        <source>Full-screen</source>
        <translation>Pełny ekran</translation>
    </message>
    <message>
        <source>Quit kiosk</source>
        <translation>Zamknij kiosk</translation>
    </message>
    <message>
        <source>Back to scanning</source>
        <translation>Wróć do skanowania</translation>
    </message>
</context>
<context>
    <name>CameraFeed</name>
    <message>
        <source>starting</source>
        <translation>uruchamianie</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>gotowa</translation>
    </message>
    <message>
        <source>not found, retrying</source>
        <translation>nie znaleziono, ponawiam</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>ponowne łączenie</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>zakończono</translation>
    </message>
    <message>
        <source>off</source>
        <translation>wyłączona</translation>
    </message>
    <message>
        <source>No camera picture. Use the USB scanner or type the code below.</source>
        <translation>Brak obrazu z kamery. Użyj skanera USB albo wpisz kod poniżej.</translation>
    </message>
    <message>
        <source>No camera picture: type the API URL and the token instead.</source>
        <translation>Brak obrazu z kamery: wpisz adres API i token ręcznie.</translation>
    </message>
</context>
<context>
    <name>FirstRunScreen</name>
    <message>
        <source>Read the API URL and token from the QR code. Set the admin PIN, then press Register.</source>
        <translation>Odczytano adres API i token z kodu QR. Ustaw PIN administratora i naciśnij Zarejestruj.</translation>
    </message>
    <message>
        <source>Registering with the server…</source>
        <translation>Rejestracja na serwerze…</translation>
    </message>
    <message>
        <source>Enter the API URL.</source>
        <translation>Wpisz adres API.</translation>
    </message>
    <message>
        <source>Enter the workspace token (or show its QR code to the camera).</source>
        <translation>Wpisz token przestrzeni roboczej (albo pokaż jego kod QR kamerze).</translation>
    </message>
    <message>
        <source>Enter a name for this device, e.g. door-3.</source>
        <translation>Wpisz nazwę tego urządzenia, np. wejscie-3.</translation>
    </message>
    <message>
        <source>The admin PIN must be 4 to 12 digits.</source>
        <translation>PIN administratora musi mieć od 4 do 12 cyfr.</translation>
    </message>
    <message>
        <source>The two PINs differ; type the same PIN twice.</source>
        <translation>PIN-y się różnią; wpisz dwa razy ten sam PIN.</translation>
    </message>
    <message>
        <source>Registered “%1” in workspace “%2”.</source>
        <translation>Zarejestrowano „%1” w przestrzeni „%2”.</translation>
    </message>
    <message>
        <source>Set up this kiosk</source>
        <translation>Konfiguracja kiosku</translation>
    </message>
    <message>
        <source>Copy the API URL and the workspace token from the Tiketo workspace page, or show its setup QR code to the camera.</source>
        <translation>Skopiuj adres API i token przestrzeni roboczej ze strony Tiketo albo pokaż kamerze kod QR konfiguracji.</translation>
    </message>
    <message>
        <source>API URL</source>
        <translation>Adres API</translation>
    </message>
    <message>
        <source>Workspace token</source>
        <translation>Token przestrzeni</translation>
    </message>
    <message>
        <source>Device name</source>
        <translation>Nazwa urządzenia</translation>
    </message>
    <message>
        <source>Admin PIN</source>
        <translation>PIN administratora</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>Powtórz PIN</translation>
    </message>
    <message>
        <source>pasted or read from the QR code</source>
        <translation>wklejony lub odczytany z kodu QR</translation>
    </message>
    <message>
        <source>4 to 12 digits</source>
        <translation>od 4 do 12 cyfr</translation>
    </message>
    <message>
        <source>empty: keep the current PIN</source>
        <translation>puste: zostaw obecny PIN</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>Zarejestruj</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Anuluj</translation>
    </message>
    <message>
        <source>Start scanning</source>
        <translation>Rozpocznij skanowanie</translation>
    </message>
    <message>
        <source>Setup QR code: hold it in front of the camera</source>
        <translation>Kod QR konfiguracji: przytrzymaj go przed kamerą</translation>
    </message>
</context>
<context>
    <name>HistoryScreen</name>
    <message>
        <source>(offline)</source>
        <translation>(offline)</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Wróć</translation>
    </message>
    <message>
        <source>Last %1 scans</source>
        <translation>Ostatnie skany: %1</translation>
    </message>
    <message>
        <source>Search code or name</source>
        <translation>Szukaj kodu lub nazwiska</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Czas</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kod</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Wynik</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkty</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Wysyłka</translation>
    </message>
    <message>
        <source>No scans match.</source>
        <translation>Brak pasujących skanów.</translation>
    </message>
    <message>
        <source>No scans yet.</source>
        <translation>Jeszcze nie ma skanów.</translation>
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <source>The kiosk could not open its journal: %1</source>
        <translation>Kiosk nie może otworzyć dziennika: %1</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Tiketo kiosk</source>
        <translation>Kiosk Tiketo</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message numerus="yes">
        <source>Wrong PIN. %n attempt(s) left.</source>
        <translation>
            <numerusform>Błędny PIN. Została %n próba.</numerusform>
            <numerusform>Błędny PIN. Zostały %n próby.</numerusform>
            <numerusform>Błędny PIN. Zostało %n prób.</numerusform>
        </translation>
    </message>
    <message>
        <source>The admin PIN must be 4 to 12 digits.</source>
        <translation>PIN administratora musi mieć od 4 do 12 cyfr.</translation>
    </message>
    <message>
        <source>The two PINs differ; start again.</source>
        <translation>PIN-y się różnią; zacznij od nowa.</translation>
    </message>
    <message numerus="yes">
        <source>Too many wrong PINs. Try again in %n s.</source>
        <translation>
            <numerusform>Zbyt wiele błędnych PIN-ów. Spróbuj za %n s.</numerusform>
            <numerusform>Zbyt wiele błędnych PIN-ów. Spróbuj za %n s.</numerusform>
            <numerusform>Zbyt wiele błędnych PIN-ów. Spróbuj za %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter the admin PIN</source>
        <translation>Wpisz PIN administratora</translation>
    </message>
    <message>
        <source>Type the new PIN again</source>
        <translation>Wpisz nowy PIN jeszcze raz</translation>
    </message>
    <message>
        <source>Choose an admin PIN (4 to 12 digits)</source>
        <translation>Ustal PIN administratora (od 4 do 12 cyfr)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Wyczyść</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Anuluj</translation>
    </message>
</context>
<context>
    <name>RegistrationFlow</name>
    <message>
        <source>Registration failed: %1</source>
        <translation>Rejestracja nie powiodła się: %1</translation>
    </message>
</context>
<context>
    <name>ScanningScreen</name>
    <message>
        <source>The server refused this device. Register it again in Admin.</source>
        <translation>Serwer odrzucił to urządzenie. Zarejestruj je ponownie w Administracji.</translation>
    </message>
    <message>
        <source>Offline: %1 Scans are checked here and uploaded later.</source>
        <translation>Offline: %1 Skany są sprawdzane tutaj i wysyłane później.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Sprawdzanie…</translation>
    </message>
    <message>
        <source>READY TO SCAN</source>
        <translation>GOTOWY DO SKANOWANIA</translation>
    </message>
    <message>
        <source>READY: use the scanner or type the code</source>
        <translation>GOTOWY: użyj skanera lub wpisz kod</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historia</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Administracja</translation>
    </message>
    <message>
        <source>Type a code and press Enter</source>
        <translation>Wpisz kod i naciśnij Enter</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Sprawdź</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Trying…</source>
        <translation>Próbuję…</translation>
    </message>
    <message>
        <source>Try now</source>
        <translation>Spróbuj teraz</translation>
    </message>
    <message>
        <source>NOT CONNECTED</source>
        <translation>NIEPOŁĄCZONY</translation>
    </message>
    <message numerus="yes">
        <source>%n scan(s) waiting to upload</source>
        <translation>
            <numerusform>%n skan czeka na wysłanie</numerusform>
            <numerusform>%n skany czekają na wysłanie</numerusform>
            <numerusform>%n skanów czeka na wysłanie</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pass update(s) to send</source>
        <translation>
            <numerusform>%n aktualizacja karnetu do wysłania</numerusform>
            <numerusform>%n aktualizacje karnetów do wysłania</numerusform>
            <numerusform>%n aktualizacji karnetów do wysłania</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refused by the server</source>
        <translation>
            <numerusform>%n odrzucony przez serwer</numerusform>
            <numerusform>%n odrzucone przez serwer</numerusform>
            <numerusform>%n odrzuconych przez serwer</numerusform>
        </translation>
    </message>
    <message>
        <source>last upload %1</source>
        <translation>ostatnia wysyłka %1</translation>
    </message>
    <message>
        <source>no upload yet</source>
        <translation>jeszcze bez wysyłki</translation>
    </message>
    <message>
        <source>Today: %1 admitted · %2 rejected</source>
        <translation>Dziś: wpuszczono %1 · odrzucono %2</translation>
    </message>
    <message>
        <source>Camera: %1</source>
        <translation>Kamera: %1</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 w %2</translation>
    </message>
    <message>
        <source>DEVICE REFUSED</source>
        <translation>URZĄDZENIE ODRZUCONE</translation>
    </message>
    <message>
        <source>register again in Admin</source>
        <translation>zarejestruj ponownie w Administracji</translation>
    </message>
    <message>
        <source>● ONLINE</source>
        <translation>● ONLINE</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>od %1</translation>
    </message>
    <message numerus="yes">
        <source>retry in %n s</source>
        <translation>
            <numerusform>ponowię za %n s</numerusform>
            <numerusform>ponowię za %n s</numerusform>
            <numerusform>ponowię za %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>● OFFLINE</source>
        <translation>● OFFLINE</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <source>VALID</source>
        <translation>WAŻNY</translation>
    </message>
    <message>
        <source>VOIDED</source>
        <translation>UNIEWAŻNIONY</translation>
    </message>
    <message>
        <source>EXPIRED</source>
        <translation>WYGASŁ</translation>
    </message>
    <message>
        <source>UNKNOWN</source>
        <translation>NIEZNANY</translation>
    </message>
    <message>
        <source>ALREADY SCANNED</source>
        <translation>JUŻ ZESKANOWANY</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>BŁĄD</translation>
    </message>
    <message>
        <source>ACCEPTED</source>
        <translation>PRZYJĘTY</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Ważny</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>Unieważniony</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Wygasł</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Nieznany</translation>
    </message>
    <message>
        <source>Already scanned</source>
        <translation>Już zeskanowany</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Błąd</translation>
    </message>
    <message>
        <source>Event ticket</source>
        <translation>Bilet na wydarzenie</translation>
    </message>
    <message>
        <source>Loyalty card</source>
        <translation>Karta lojalnościowa</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>Kupon</translation>
    </message>
    <message>
        <source>Store card</source>
        <translation>Karta sklepowa</translation>
    </message>
    <message>
        <source>Boarding pass</source>
        <translation>Karta pokładowa</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>Karnet</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>niewysyłany</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>czeka</translation>
    </message>
    <message>
        <source>uploaded</source>
        <translation>wysłany</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>odrzucony</translation>
    </message>
    <message>
        <source>kept for its device</source>
        <translation>zachowany dla swojego urządzenia</translation>
    </message>
    <message>
        <source>ENTRY</source>
        <translation>WEJŚCIE</translation>
    </message>
    <message>
        <source>REWARD</source>
        <translation>NAGRODA</translation>
    </message>
    <message>
        <source>REDEEM</source>
        <translation>WYMIANA</translation>
    </message>
    <message numerus="yes">
        <source>+%n point(s)</source>
        <translation>
            <numerusform>+%n punkt</numerusform>
            <numerusform>+%n punkty</numerusform>
            <numerusform>+%n punktów</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>−%n point(s)</source>
        <translation>
            <numerusform>−%n punkt</numerusform>
            <numerusform>−%n punkty</numerusform>
            <numerusform>−%n punktów</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n second(s) ago</source>
        <translation>
            <numerusform>%n sekundę temu</numerusform>
            <numerusform>%n sekundy temu</numerusform>
            <numerusform>%n sekund temu</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minutę temu</numerusform>
            <numerusform>%n minuty temu</numerusform>
            <numerusform>%n minut temu</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n godzinę temu</numerusform>
            <numerusform>%n godziny temu</numerusform>
            <numerusform>%n godzin temu</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VerdictScreen</name>
    <message>
        <source>OFFLINE: will upload later</source>
        <translation>OFFLINE: wyślę później</translation>
    </message>
    <message>
        <source>Tap the screen or press any key to continue</source>
        <translation>Dotknij ekranu lub naciśnij dowolny klawisz, aby kontynuować</translation>
    </message>
    <message>
        <source>Expired on %1</source>
        <translation>Wygasł %1</translation>
    </message>
    <message>
        <source>This pass has expired.</source>
        <translation>Ten karnet wygasł.</translation>
    </message>
    <message>
        <source>This pass has been voided.</source>
        <translation>Ten karnet został unieważniony.</translation>
    </message>
    <message>
        <source>Valid until %1</source>
        <translation>Ważny do %1</translation>
    </message>
    <message>
        <source>No pass with this code in this workspace.</source>
        <translation>W tej przestrzeni nie ma karnetu z tym kodem.</translation>
    </message>
    <message>
        <source>Scanned here before.</source>
        <translation>Już tu skanowany.</translation>
    </message>
    <message>
        <source>First scanned at %1 (%2)</source>
        <translation>Pierwszy skan o %1 (%2)</translation>
    </message>
    <message>
        <source>The kiosk could not check this code.</source>
        <translation>Kiosk nie mógł sprawdzić tego kodu.</translation>
    </message>
</context>
</TS>
