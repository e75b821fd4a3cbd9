; Inno Setup 6 script: a per-user installer of the onedir bundle that desktop-importer.spec
; builds on Windows. Built by the release workflow (packaging/README.md):
;   iscc /DAppVersion=0.1.0 packaging\windows\desktop-importer.iss
; No administrator rights: it installs into %LOCALAPPDATA%\Programs\Desktop Importer and
; writes only to HKEY_CURRENT_USER. Uninstalling removes the program and its registry
; entries and never the user's archive (%LOCALAPPDATA%\desktop-importer).

#define AppName "Desktop Importer"
#define WindowExe "DesktopImporter.exe"
#define ConsoleExe "desktop-importer.exe"
#define ProgId "DesktopImporter.Export"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\dist\desktop-importer"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
AppId={{6A0E7B52-3C1D-4E8F-9B27-5D4C2A1F8E63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Desktop Importer contributors
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
CloseApplications=yes
OutputDir={#OutputDir}
OutputBaseFilename=DesktopImporter-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\desktop-importer.ico
UninstallDisplayIcon={app}\{#WindowExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
; iscc /DSign "/Ssigntool=<signtool.exe> sign /f <pfx> /p <password> /fd sha256 /tr <url> /td sha256 $f"
; signs the installer and the uninstaller (the release workflow does, given a certificate).
SignTool=signtool
SignedUninstaller=yes
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Comment: "Import ChatGPT and Claude exports into a private archive"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Tasks: desktopicon

[Registry]
; "Open with" for .zip files, never the default: a ProgID listed among the .zip type's
; OpenWithProgids, and the application's own key naming the types it supports. The .zip
; key's default value (the default program) is not touched.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "ChatGPT or Claude export"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#WindowExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#WindowExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: none; ValueName: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#WindowExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#WindowExe}\SupportedTypes"; ValueType: string; ValueName: ".zip"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#WindowExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#WindowExe}"" ""%1"""

[Run]
Filename: "{app}\{#WindowExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the archive, its logs and the window's settings belong to the user.
