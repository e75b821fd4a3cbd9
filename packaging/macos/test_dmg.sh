#!/bin/sh
# Smoke-test the app from the mounted disk image, as a user would run it after a download:
# mount it read-only, check the bundle (document types, signature), run the smoke test of
# the program inside, and unmount.
#   packaging/macos/test_dmg.sh dist/DesktopImporter-0.1.0-macos-arm64.dmg
set -eu
dmg=$1
mountpoint=$(mktemp -d)
hdiutil attach -readonly -nobrowse -mountpoint "$mountpoint" "$dmg"
trap 'hdiutil detach "$mountpoint" -quiet || hdiutil detach "$mountpoint" -force' EXIT
app="$mountpoint/Desktop Importer.app"
test -L "$mountpoint/Applications"
plist="$app/Contents/Info.plist"
test "$(plutil -extract CFBundleDocumentTypes.0.LSItemContentTypes.0 raw "$plist")" = "public.zip-archive"
test "$(plutil -extract CFBundleDocumentTypes.0.LSHandlerRank raw "$plist")" = "Alternate"
codesign --verify --deep --strict "$app"
data=$(mktemp -d)
DESKTOP_IMPORTER_DATA_DIR="$data" QT_QPA_PLATFORM=offscreen \
    "$app/Contents/MacOS/desktop-importer" --smoke-test
# The command line inside the bundle works too (what `ln -s` into a PATH folder gives).
DESKTOP_IMPORTER_DATA_DIR="$data" "$app/Contents/MacOS/desktop-importer" status --json
rm -rf "$data"
echo "smoke test from $dmg passed"
