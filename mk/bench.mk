# bench.mk — what `make bench` needs beyond `make test`: Debian's Linux
# kernel, to run the same benchmark binary on Linux under the same QEMU
# machine (tools/bench-linux), and that run's /init. Included by the
# top-level Makefile, which defines BUILD, USER_BENCH, ESP_IMG and the
# bench / bench-all rules. See docs/bench.md.
#
#   make bench-deps       install BENCH_DEB_PACKAGES (as root; else says what to type)
#   make bench-linux      the benchmark on Linux only
#   make bench-weft       the benchmark on Weft only
#   make bench-scaling    cpu_scaling: N threads on N CPUs (N = 1, 2, 4), Weft,
#                         Weft with the GIL, Linux (tools/bench-scaling)
#
# `make test` never depends on any of this.

# linux-image-amd64 gives /boot/vmlinuz-*. No busybox: /init is ours
# (userland/bench/linux_init.c).
BENCH_DEB_PACKAGES := linux-image-amd64
BENCH_DEPS_STAMP   := $(BUILD)/.bench-deps-ok
BENCH_LINUX_INIT   := $(BUILD)/bench/linux_init
# Runs per side; the table shows the best and the medians (make bench BENCH_RUNS=1).
BENCH_RUNS         ?= 5

.PHONY: bench-deps bench-linux bench-weft bench-scaling

bench-deps: $(BENCH_DEPS_STAMP)

# As mk/deps.mk does for DEB_PACKAGES. A kernel package is installed, not
# just present: /boot/vmlinuz-* must be there too (a container may have
# the package's record and no /boot).
# After $(DEPS_STAMP): two apt-gets at once (make -j) would fight over
# dpkg's lock.
$(BENCH_DEPS_STAMP): mk/bench.mk $(DEPS_STAMP)
	@missing=""; \
	for p in $(BENCH_DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	ls /boot/vmlinuz-* >/dev/null 2>&1 || case "$$missing" in *linux-image-amd64*) ;; \
		*) missing="$$missing linux-image-amd64" ;; esac; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "weft: installing Debian packages for make bench:$$missing (a minute or two)"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
				|| { echo "weft: apt-get install failed"; exit 1; }; \
			ls /boot/vmlinuz-* >/dev/null 2>&1 \
				|| { echo "weft: no /boot/vmlinuz-* after installing linux-image-amd64"; exit 1; }; \
		else \
			echo "weft: missing Debian packages for make bench:$$missing"; \
			echo "weft: install them with:  sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi
	@mkdir -p $(dir $@) && touch $@

# Linux's /init: static musl, like every userland program.
$(BENCH_LINUX_INIT): userland/bench/linux_init.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -static -o $@ $<

bench-linux: bench-deps $(USER_BENCH) $(BENCH_LINUX_INIT)
	@tools/bench-linux --build $(BUILD)

bench-weft: $(ESP_IMG)
	@tools/weft-run --no-build --build $(BUILD) --image $(ESP_IMG) --smp 1 --timeout 300 -- /bench/bench

# Boots per cell of the scaling table (each boot is already a best of 3).
BENCH_SCALING_RUNS ?= 1

bench-scaling: bench-deps $(ESP_IMG) $(USER_BENCH) $(BENCH_LINUX_INIT)
	@tools/bench-scaling --build $(BUILD) --image $(ESP_IMG) --runs $(BENCH_SCALING_RUNS)
