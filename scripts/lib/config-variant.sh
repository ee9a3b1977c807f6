# Shared by the scripts that run a repository config with one change
# (scripts/mf-fit-study.sh, scripts/quality-variant.sh); sourced, not run.

# Copies configs/NAME.yaml (SRC) to DEST naming the plugins of PLUGIN_DIR
# instead of ../build/plugins/ (a path relative to configs/, which breaks
# in another folder) and, given SECTION and LINE, with LINE added under
# the top-level SECTION: block. Exits with status 1 when SRC has no such
# block.
config_variant() { # src dest plugin_dir [section line]
  local src="$1" dest="$2" plugins="$3"
  if [ $# -lt 5 ]; then
    sed "s|plugin: \.\./build/plugins/|plugin: $plugins/|" "$src" > "$dest"
    return 0
  fi
  sed -e "s|plugin: \.\./build/plugins/|plugin: $plugins/|" -e "s|^$4:\$|$4:\n  $5|" \
    "$src" > "$dest"
  grep -qxF "  $5" "$dest" ||
    { echo "$(basename "$0"): $src has no '$4:' block to extend" >&2; exit 1; }
}
