#!/usr/bin/env bash
# Download and unpack exactly the sdists the consumer labels were made on.
# usage: bench/labels/consumers/fetch.sh [DEST]   (default /work/sdists-consumers)
# Never commit the sdists.
set -euo pipefail
DEST="${1:-/work/sdists-consumers}"
mkdir -p "$DEST/dl"
PKGS=(
  "arize-phoenix==20.26.1:arize_phoenix-20.26.1"
  "crewai==1.15.30:crewai-1.15.30"
  "dstack==0.22.5:dstack-0.22.5"
  "langsmith==0.15.1:langsmith-0.15.1"
  "letta==0.16.8:letta-0.16.8"
  "lnbits==1.6.2:lnbits-1.6.2"
)
# pip download of an sdist prepares its metadata, which needs the build backends.
# --no-build-isolation avoids building every backend from source (slow); install them once:
python3 -m pip install -q hatchling poetry-core pdm-backend uv_build hatch-fancy-pypi-readme hatch-vcs
for entry in "${PKGS[@]}"; do
  req="${entry%%:*}"; dir="${entry##*:}"
  if [ -d "$DEST/$dir" ]; then echo "have $dir"; continue; fi
  python3 -m pip download --no-deps --no-binary :all: --no-build-isolation "$req" -d "$DEST/dl"
  tarball=$(ls "$DEST"/dl/"${dir}".tar.gz)
  tar -xzf "$tarball" -C "$DEST"
  echo "unpacked $dir"
done
