#!/usr/bin/env bash
# Installs the Debian packages swaptwin needs, only those that are missing.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libcaf-dev
  libprotobuf-dev protobuf-compiler
  libsqlite3-dev sqlite3
  libboost-dev libboost-system-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libhowardhinnant-date-dev tzdata
  libfmt-dev libspdlog-dev
  # The viewer (../shared/notes/viewer.md): Dear ImGui 1.86 (needs stb), and for the GLFW + OpenGL 3
  # shell and its screenshots without a display: Xvfb (xvfb-run needs xauth) or Mesa's EGL.
  # DejaVu Sans gives the viewer the currency symbols (₹, ₦) its default font lacks.
  libimgui-dev libstb-dev
  libglfw3-dev libgl-dev libgl1-mesa-dri libglx-mesa0 xvfb xauth libegl-dev libegl-mesa0 fonts-dejavu-core
)
# The OCPP conformance check runs the official JSON schemas under Node.js (npm packages).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
