#!/bin/sh
# Installs every Debian 12 package guichet needs to build, test and run
# its demo. Run as root on a new machine: sh build-aux/deps.sh
set -eu
export DEBIAN_FRONTEND=noninteractive
packages="
  build-essential autoconf automake pkg-config tzdata ca-certificates
  libglib2.0-dev libglib2.0-dev-bin libgmime-3.0-dev libetpan-dev
  libcurl4-gnutls-dev libarchive-dev libjson-glib-dev libmagic-dev
  libsqlite3-dev libgnutls28-dev libseccomp-dev
  poppler-utils antiword catdoc
  dovecot-core dovecot-imapd python3 python3-aiosmtpd openssl
  zip unzip file qpdf bc sqlite3 clang libclang-rt-14-dev
  tnef p7zip-full
  tesseract-ocr tesseract-ocr-fra libheif-examples
  python3-pil python3-odf python3-xlwt fonts-dejavu-core
"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
