#!/bin/sh
# Sign the .app (every binary inside out, then the bundle) with the hardened runtime, and,
# given the Apple credentials, notarise the disk image and staple the ticket to it.
#   packaging/macos/sign.sh app "dist/Desktop Importer.app"
#   packaging/macos/sign.sh dmg dist/DesktopImporter-0.1.0-macos-arm64.dmg
# From the environment (the release workflow's secrets; see packaging/README.md):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)"; unset: ad-hoc signing,
#                         which runs on the machine that built it but not after a download
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   for notarytool; unset: no notarisation
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kind=$1
target=$2
identity=${MACOS_SIGN_IDENTITY:--}

sign() {
    if [ "$identity" = "-" ]; then
        codesign --force --sign - "$1"
    else
        codesign --force --timestamp --options runtime \
            --entitlements "$here/entitlements.plist" --sign "$identity" "$1"
    fi
}

case $kind in
app)
    # Inside out: libraries and plugins first, the executables, then the bundle itself.
    find "$target/Contents" -type f \( -name '*.dylib' -o -name '*.so' \) | while read -r file; do
        sign "$file"
    done
    find "$target/Contents/Frameworks" -type d -name '*.framework' -prune 2>/dev/null |
        while read -r framework; do sign "$framework"; done
    find "$target/Contents/MacOS" -type f -perm -u+x | while read -r file; do sign "$file"; done
    sign "$target"
    codesign --verify --deep --strict --verbose=2 "$target"
    ;;
dmg)
    if [ "$identity" != "-" ]; then
        codesign --force --timestamp --sign "$identity" "$target"
    fi
    if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
        xcrun notarytool submit "$target" --wait \
            --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD"
        xcrun stapler staple "$target"
        spctl --assess --type open --context context:primary-signature --verbose "$target"
    else
        echo "no Apple credentials: $target is not notarised" >&2
    fi
    ;;
*)
    echo "usage: $0 app|dmg PATH" >&2
    exit 2
    ;;
esac
