#!/bin/sh
# Build the disk image users download: the .app beside a link to /Applications.
#   packaging/macos/build_dmg.sh "dist/Desktop Importer.app" dist/DesktopImporter-0.1.0-macos-arm64.dmg
set -eu
app=$1
dmg=$2
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Desktop Importer" -srcfolder "$staging" -fs HFS+ \
    -format UDZO -imagekey zlib-level=9 -ov "$dmg"
echo "built $dmg ($(du -h "$dmg" | cut -f1))"
