# Start the kiosk screen and start it again whenever it exits or crashes: the Windows
# counterpart of systemd's Restart=always (Task Scheduler alone restarts a task only when it
# fails to start, not when the program dies later). Task Scheduler runs this at logon:
#   powershell.exe -NoProfile -WindowStyle Hidden -ExecutionPolicy Bypass -File C:\TiketoKiosk\run-kiosk.ps1
param(
    [string]$Kiosk = (Join-Path $PSScriptRoot "kiosk-screen.exe"),
    [int]$RestartSeconds = 3
)
while ($true) {
    $process = Start-Process -FilePath $Kiosk -ArgumentList "run" -PassThru -Wait
    Start-Sleep -Seconds $RestartSeconds
}
