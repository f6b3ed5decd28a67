# Shared by scripts/run and scripts/test. Sourced, not run.

# as_root runs a command as root (directly when we are root, else with sudo).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages installs the Debian packages that are missing, in one
# apt-get call (each call costs seconds even when nothing is to do).
ensure_packages() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "Installing: ${missing[*]}" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_go checks for the Go toolchain go.mod asks for.
ensure_go() {
	if ! command -v go >/dev/null 2>&1; then
		[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
	fi
	if ! command -v go >/dev/null 2>&1; then
		echo "Go 1.26 or newer is needed: https://go.dev/doc/install" >&2
		exit 1
	fi
	go mod download
}

# Fyne's GLFW driver builds against these (docs/development.md).
FYNE_BUILD_PACKAGES=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)

# Fyne logs an error for the C locale; use a real one when the user has none.
fix_locale() {
	case "${LANG:-C}" in
	C | C.* | POSIX) export LANG=en_US.UTF-8 ;;
	esac
}
