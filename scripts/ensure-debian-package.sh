#!/usr/bin/env bash
# Installs a Debian package when the file it provides is missing: scripts/ensure-debian-package.sh /usr/bin/chromium chromium
# Runs apt-get as root, or through sudo. The repo's scripts call this, so a fresh machine needs nothing installed by hand.
set -euo pipefail
file=$1
package=$2
if [ -x "$file" ]; then
  exit 0
fi
echo "Installing Debian's $package..."
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y "$package"
