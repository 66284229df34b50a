#!/usr/bin/env bash
# Download and unpack exactly the sdists the classification labels were made on.
# Usage: bash bench/labels/fetch.sh [DIR]   (default /work/sdists)
# Archives go to DIR/dl, each is checked against its sha256, and unpacked as DIR/<name>-<version>/.
# Never commit these trees.
set -euo pipefail
DIR="${1:-/work/sdists}"
mkdir -p "$DIR/dl"
# file name, pip requirement, sha256
PKGS=(
  "apache_superset-6.1.0.tar.gz apache-superset==6.1.0 56976e5773864f906e30a689dec2641e554286e8be860ecc1e3d4ff5ff6b2e32"
  "chainlit-2.12.0.tar.gz chainlit==2.12.0 53ca71c66fd98d417039ca5fa9c68349eb8eda771b7e0235a7da531f610fe5d0"
  "dagster-1.13.29.tar.gz dagster==1.13.29 28db008ba360a785cd7f4677c1e0964577f14aa5762f117b978a8485cd11c9f4"
  "label_studio-1.23.2.tar.gz label-studio==1.23.2 9042672d30e7732f260f4de0ce751135d5da1c1e3ea67ed90dfd4af2056d6ac8"
  "mlflow-3.18.0.tar.gz mlflow==3.18.0 04e912d5b154b417c5930ba47ef3dc2f74738fb3ba93e3d70499955ec8884540"
  "prefect-3.9.1.tar.gz prefect==3.9.1 56f091cd49a06e6c3f98eea93648208f6750361d1dd0aeb60b5faa0e9cb5c458"
  "zenml-0.98.0.tar.gz zenml==0.98.0 ed221d95f1992395081b0a4aa3fbe127b6481f9efb3d5d1070ace20da8f8075f"
)
for entry in "${PKGS[@]}"; do
  read -r file req sha <<<"$entry"
  if [ ! -f "$DIR/dl/$file" ]; then
    # pip prepares metadata for an sdist, which can mean installing build dependencies; when
    # that fails or hangs (zenml did), retry against the build backends already installed.
    timeout 600 pip download --no-deps --no-binary :all: "$req" -d "$DIR/dl" ||
      pip download --no-deps --no-binary :all: --no-build-isolation "$req" -d "$DIR/dl"
  fi
  echo "$sha  $DIR/dl/$file" | sha256sum -c - >/dev/null || { echo "sha256 mismatch: $file" >&2; exit 1; }
  root="${file%.tar.gz}"
  [ -d "$DIR/$root" ] || tar xzf "$DIR/dl/$file" -C "$DIR"
  echo "ok $DIR/$root"
done
