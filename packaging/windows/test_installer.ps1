# Install the Inno Setup installer silently for the current user, smoke-test what it
# installed, check "Open with" for .zip, uninstall silently, and check that the program is
# gone and the user's archive is not. Run by the release workflow:
#   pwsh packaging/windows/test_installer.ps1 dist\DesktopImporter-0.1.0-windows-x64-setup.exe
param([Parameter(Mandatory = $true)][string]$Installer)
$ErrorActionPreference = "Stop"

function Check($condition, $message) {
    if (-not $condition) { throw "FAILED: $message" }
    Write-Host "ok: $message"
}

$setup = Start-Process -Wait -PassThru -FilePath $Installer `
    -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/LOG=install.log"
Check ($setup.ExitCode -eq 0) "the installer exits 0 (exit code $($setup.ExitCode))"

$app = Join-Path $env:LOCALAPPDATA "Programs\Desktop Importer"
$cli = Join-Path $app "desktop-importer.exe"
Check (Test-Path (Join-Path $app "DesktopImporter.exe")) "the windowed program is installed in $app"
Check (Test-Path $cli) "the command line is installed beside it"
Check (Test-Path (Join-Path $env:APPDATA "Microsoft\Windows\Start Menu\Programs\Desktop Importer.lnk")) "a Start-menu entry exists"

# The smoke test: the real window offscreen, and an import through the worker and reader.
$env:QT_QPA_PLATFORM = "offscreen"
& $cli --smoke-test
Check ($LASTEXITCODE -eq 0) "the installed app passes its smoke test"
# The windowed twin, as the Start menu starts it: its import runs the console one, hidden.
$window = Start-Process -Wait -PassThru -FilePath (Join-Path $app "DesktopImporter.exe") -ArgumentList "--smoke-test"
Check ($window.ExitCode -eq 0) "the windowed program passes the smoke test too"

# "Open with" for .zip, without taking over the default program.
$openWith = Get-Item "HKCU:\Software\Classes\.zip\OpenWithProgids"
Check ($openWith.GetValueNames() -contains "DesktopImporter.Export") "the app is offered in Open with for .zip"
$zipDefault = (Get-Item "HKCU:\Software\Classes\.zip" -ErrorAction SilentlyContinue)
$default = if ($zipDefault) { $zipDefault.GetValue("") } else { $null }
Check ($default -ne "DesktopImporter.Export") "the default program for .zip is left alone"

# Something in the user's archive, for the uninstaller to leave alone.
$status = & $cli status --json | ConvertFrom-Json
$database = $status.database
Check (Test-Path $database) "the user's archive exists at $database"

$uninstaller = Join-Path $app "unins000.exe"
$remove = Start-Process -Wait -PassThru -FilePath $uninstaller -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"
Check ($remove.ExitCode -eq 0) "the uninstaller exits 0"
# The uninstaller finishes from a copy of itself in %TEMP%: wait for the folder to go.
$deadline = (Get-Date).AddSeconds(60)
while ((Test-Path (Join-Path $app "desktop-importer.exe")) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 500 }
Check (-not (Test-Path (Join-Path $app "desktop-importer.exe"))) "the program is removed"
Check (-not (Test-Path "HKCU:\Software\Classes\DesktopImporter.Export")) "its registry entries are removed"
Check (-not ((Get-Item "HKCU:\Software\Classes\.zip\OpenWithProgids" -ErrorAction SilentlyContinue).GetValueNames() -contains "DesktopImporter.Export")) "it is no longer offered for .zip"
Check (Test-Path $database) "the user's archive is kept"
