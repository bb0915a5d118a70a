# Set-up from nothing: the Debian packages Weft needs. When one is missing
# we install it (as root) or say exactly what to type (as anyone else).
#
# `make deps` checks once per build directory; the stamp file makes later
# runs free. The stamp depends on this file, so adding a package re-checks.

DEB_PACKAGES := qemu-system-x86 ovmf gnu-efi mtools libcmocka-dev musl-tools gcc make binutils python3 cpio
DEPS_STAMP := $(BUILD)/.deps-ok

deps: $(DEPS_STAMP)

$(DEPS_STAMP): mk/deps.mk
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "weft: installing Debian packages:$$missing"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
				|| { echo "weft: apt-get install failed"; exit 1; }; \
		else \
			echo "weft: missing Debian packages:$$missing"; \
			echo "weft: install them with:  sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi
	@mkdir -p $(dir $@) && touch $@
