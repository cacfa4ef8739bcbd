# vfio-passthrough-setup — build, install and test.
# `make` builds the helper; `make check` runs every in-tree suite once, under ASan+UBSan;
# `make test-all` is what README's test command and CI run.

PACKAGE   := vfio-passthrough-setup
VERSION   := $(shell dpkg-parsechangelog -S Version 2>/dev/null || echo 0.0.0)
PREFIX    ?= /usr
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/$(PACKAGE)
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build
CFLAGS    ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
             -DVERSION='"$(VERSION)"' $(shell $(PKG_CONFIG) --cflags libpci libkmod) $(SRC_INCS)
CPPFLAGS  ?=
LDFLAGS   ?=
# libkmod is not linked: src/machine/modules.c loads it when it first looks a module up
# (a no-op apply never does), so its headers alone are needed here, and the package
# depends on libkmod2 by name (debian/control).
override LDLIBS += $(shell $(PKG_CONFIG) --libs libpci)

# src/ is grouped by job (HACKING.md says why); every file name is unique across the folders,
# so objects stay flat in $(BUILD) and every folder is on the include path.
# Every src/*/*.c but main.c forms the library that the program, the tests and the fuzzers link.
SRC_DIRS  := $(sort $(dir $(wildcard src/*/*.c)))
SRC_HDRS  := $(wildcard src/*/*.h)
LIB_SRCS  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJS  := $(addprefix $(BUILD)/,$(notdir $(LIB_SRCS:.c=.o)))
SRC_INCS  := $(patsubst %/,-I%,$(SRC_DIRS))
vpath %.c $(SRC_DIRS)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all install uninstall clean check check-suites check-roots-detect check-format check-unit check-roots check-apply check-settings check-boot-stacks \
        check-rebind check-trial check-contract check-asan check-valgrind check-schema check-metrics check-tools check-test-lib check-shell check-ansible \
        check-ansible-lint check-ansible-ci lint deb \
        chroot-test upgrade-test repro-test repo repo-test vm-test fuzz bench test-all

all: $(BUILD)/$(PACKAGE)

# conf/settings.template becomes a C string of the helper (src/plan/settings-edit.c): the file
# `settings set` writes and the shipped template are one text.
override CFLAGS += -I$(BUILD)/gen
%/gen/settings-template.h: conf/settings.template
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< >$@
$(BUILD)/settings-edit.o: $(BUILD)/gen/settings-template.h

$(BUILD)/%.o: %.c $(SRC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The archive is remade from scratch whenever the set of sources changes: `ar rcs` alone
# would keep the object of a deleted source file alive in an incremental build.
$(BUILD)/lib-srcs.list: FORCE
	@mkdir -p $(@D)
	@echo '$(LIB_SRCS)' | cmp -s - $@ || echo '$(LIB_SRCS)' > $@

$(BUILD)/lib$(PACKAGE).a: $(LIB_OBJS) $(BUILD)/lib-srcs.list
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

.PHONY: FORCE
FORCE:

$(BUILD)/$(PACKAGE): $(BUILD)/main.o $(BUILD)/lib$(PACKAGE).a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/lib$(PACKAGE).a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/lib$(PACKAGE).a $(LDFLAGS) $(LDLIBS)

install: all
	install -D -m 0755 $(BUILD)/$(PACKAGE) $(DESTDIR)$(SBINDIR)/$(PACKAGE)
	install -D -m 0755 hooks/grub.d/42_$(PACKAGE)-trial $(DESTDIR)/etc/grub.d/42_$(PACKAGE)-trial
	install -D -m 0644 conf/settings.template $(DESTDIR)$(DATADIR)/settings.template
	install -D -m 0644 -t $(DESTDIR)$(DATADIR)/schema doc/schema/detect.schema.json \
	  doc/schema/status.schema.json
	install -D -m 0644 doc/$(PACKAGE).8 $(DESTDIR)$(MANDIR)/man8/$(PACKAGE).8
	install -D -m 0644 doc/$(PACKAGE)-troubleshooting.7 $(DESTDIR)$(MANDIR)/man7/$(PACKAGE)-troubleshooting.7
	install -D -m 0644 conf/bash-completion/$(PACKAGE) \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$(PACKAGE)

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/$(PACKAGE) $(DESTDIR)/etc/grub.d/42_$(PACKAGE)-trial $(DESTDIR)$(DATADIR)/settings.template \
	  $(DESTDIR)$(DATADIR)/schema/detect.schema.json $(DESTDIR)$(DATADIR)/schema/status.schema.json \
	  $(DESTDIR)$(MANDIR)/man8/$(PACKAGE).8 $(DESTDIR)$(MANDIR)/man7/$(PACKAGE)-troubleshooting.7 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$(PACKAGE)

clean:
	rm -rf build build-asan build-valgrind build-fuzz

# --- tests -------------------------------------------------------------------------------
# `make check`, the inner loop and CI's one run of the suites: every suite once, on the
# program and unit tests built under ASan+UBSan (LeakSanitizer included) in their own
# directory, as kmod's test suite runs: a memory error or undefined behaviour fails the check
# that met it, and a plain run would find nothing this one misses. It costs about a third more
# CPU than a plain run (LeakSanitizer's scan at each of the program's exits is most of
# it): 150-175 s of CPU from a clean build directory.
# `make check-suites` runs the same suites on $(BUILD) as built (no sanitizer).
CHECK_BUILD ?= build-asan
SAN_CFLAGS  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS = -fsanitize=address,undefined
# The longest first: under -j2 the short ones fill the gaps instead of trailing alone.
CHECK_SUITES = check-contract check-apply check-trial check-boot-stacks check-roots check-rebind \
       check-status check-unit check-settings check-test-lib check-doc check-schema check-metrics \
       check-tools check-format
check:
	$(MAKE) BUILD=$(CHECK_BUILD) CC=gcc CFLAGS="$(SAN_CFLAGS)" LDFLAGS="$(SAN_LDFLAGS)" check-suites

check-suites: $(CHECK_SUITES)

# What CI called the ASan run: `make check` is that run now.
check-asan: check

# test-modules reads real Debian 12 and 13 kernels' module indexes, built once and cached
# outside the clone.
check-unit: $(UNIT_BINS)
	VPS_KERNEL_INDEX=$$(tests/lib/kernel-index) && \
	VPS_KERNEL_INDEX_BUILTIN=$$(tests/lib/kernel-index --builtin-vfio) && \
	VPS_KERNEL_INDEX_TRIXIE=$$(tests/lib/kernel-index --release trixie) && \
	export VPS_KERNEL_INDEX VPS_KERNEL_INDEX_BUILTIN VPS_KERNEL_INDEX_TRIXIE && \
	tests/unit/run $(UNIT_BINS)

check-roots: $(BUILD)/$(PACKAGE) $(UNIT_BINS)
	BUILD=$(BUILD) tests/roots/run

# `detect` on every fake machine, without the checks that run other commands (check-valgrind).
check-roots-detect: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) VPS_ROOTS_DETECT_ONLY=1 tests/roots/run

# apply/remove round trips on the fake roots: golden files, idempotence, failures; then
# dracut's own cases, and the contract every initramfs generator keeps (each one in turn).
check-apply: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/apply/run
	BUILD=$(BUILD) tests/apply/dracut-root
	BUILD=$(BUILD) tests/apply/generators

# apply --now / remove --now on fake sysfs trees: the exact writes, every refusal.
check-rebind: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/rebind/run

# apply --trial, confirm and a trial's status on fake roots, GRUB played by stand-ins.
check-trial: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/trial/run

# The same scenarios against every boot stack (a boot loader with an initramfs generator):
# stand-ins that follow the real tools, a fake boot; VPS_CONTRACT_ONLY="grub dracut" selects.
check-contract: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/contract/run

# `settings` on a bare root: checks, preserved comments, rejected preseeds never written.
check-settings: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/settings/run

# README's first command (tools/build-and-install) with stand-ins: debconf asks on a terminal.
check-tools:
	tests/tools/run

# The suite's own helpers: tests/lib/kernel-index called side by side on a fresh cache; the
# harness and the runners when a set-up step fails (no check passes after it).
check-test-lib: $(BUILD)/$(PACKAGE)
	tests/lib/test-kernel-index
	BUILD=$(BUILD) tests/lib/test-harness

# systemd-boot (kernel-install, /etc/kernel/cmdline) and proxmox-boot-tool, with stand-in tools;
# then both with dracut building the images the boot tools copy.
check-boot-stacks: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/boot-stacks/run
	BUILD=$(BUILD) tests/boot-stacks/dracut

# Valgrind where it finds what ASan cannot: reads of uninitialised memory (MemorySanitizer
# would need every library rebuilt with it). Those hide in the code that parses what it read
# into fixed buffers and structs: the unit tests of the parsers (settings, state, the kernel
# command line and its editor, PCI addresses, initramfs images and their cpio, the module
# index and modaliases, JSON, other tools' configuration in conflicts), and `detect` on every
# fake machine (tests/roots: sysfs attributes, cpuinfo, DMI, the hypervisor, the command
# line, read by the program itself). Everything else (the renderers, the writers, the
# shell-driven suites of apply, rebind, trial, boot stacks, status, contract) runs once, under
# ASan+UBSan, in `make check`.
VALGRIND_UNITS = settings state kernel-cmdline kernel-cmdline-edit pci-addr initramfs-image \
       modules json conflicts hypervisor system
VALGRIND_BUILD = build-valgrind
check-valgrind:
	$(MAKE) BUILD=$(VALGRIND_BUILD) CFLAGS="-O0 -g" $(VALGRIND_BUILD)/$(PACKAGE) \
	  $(VALGRIND_UNITS:%=$(VALGRIND_BUILD)/tests/test-%)
	$(MAKE) BUILD=$(VALGRIND_BUILD) CFLAGS="-O0 -g" \
	  VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	  UNIT_BINS="$(VALGRIND_UNITS:%=$(VALGRIND_BUILD)/tests/test-%)" check-unit check-roots-detect

# `status` on fake roots after a real apply: every pass and fail path against golden output.
check-status: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/status/run

# Every JSON golden of the suite validates against doc/schema (python3-jsonschema), and
# outputs broken on purpose do not.
check-schema:
	tests/schema/run

# Every `status --prometheus` golden passes `promtool check metrics`; broken ones do not.
check-metrics:
	tests/metrics/run

# The man pages render without warnings; the bash completion answers as bash would; every
# example of README.md, HACKING.md and the man pages holds (tests/doc/check-excerpts).
MAN_PAGES = doc/$(PACKAGE).8 doc/$(PACKAGE)-troubleshooting.7
check-doc: $(BUILD)/$(PACKAGE)
	for page in $(MAN_PAGES); do \
	  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $$page 2>&1 >/dev/null | { ! grep . ; } || exit 1; \
	done
	tests/completion/run
	BUILD=$(BUILD) tests/doc/check-excerpts

# Not part of the tests: detect against lspci -nnk on a generated tree of 256 devices.
bench: $(BUILD)/$(PACKAGE)
	BUILD=$(BUILD) tests/bench/run

# Real boots of a Debian 12 guest under QEMU: install, reconfigure, purge the .deb (tests/vm/run).
vm-test:
	tests/vm/run

check-shell:
	tests/check-shell

# One C style (.clang-format). clang-format's output differs between its major versions: the
# tree is kept in clang-format 14's (Debian 12, CI's release); another version only says so.
FORMAT_SRCS = $(wildcard src/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch])
check-format:
	@v=$$(clang-format --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p'); \
	if [ "$$v" = 14 ]; then clang-format --dry-run -Werror $(FORMAT_SRCS) && \
	  echo "format: $(words $(FORMAT_SRCS)) passed, 0 failed"; \
	else echo "SKIP: format (clang-format $${v:-not installed}: the tree is kept in 14's style)"; \
	  echo "format: 0 passed, 0 failed, 1 skipped"; fi

include tests/fuzz/fuzz.mk

# Build the .deb and the source package, lintian, and the install/reconfigure/upgrade/purge
# scenarios in Debian 12 chroots (root, mmdebstrap; base tarball cached in $VPS_TEST_CACHE).
chroot-test:
	tests/chroot/run

# tools/release's refusals and dry path on a temporary clone, then upgrades from every
# release (tools/releases) to the tree in Debian 12 and 13 chroots (root; tests/upgrade/run).
upgrade-test:
	tests/upgrade/release-tool; r=$$?; tests/upgrade/run && exit $$r

# A signed apt repository (tools/apt-repo) of the packages tools/release built into
# build/release/VERSION/{bookworm,trixie}; every version stays published. doc/apt-repository.md:
#   make repo REPO_KEY=FINGERPRINT [REPO_DIR=build/repo] [REPO_URL=https://...]
REPO_DIR ?= build/repo
REPO_URL ?= https://example.org/$(PACKAGE)
repo:
	@test -n "$(REPO_KEY)" || { echo "make repo: REPO_KEY=the signing key's fingerprint (doc/apt-repository.md)" >&2; exit 2; }
	tools/apt-repo --key "$(REPO_KEY)" --out "$(REPO_DIR)" --url "$(REPO_URL)" \
	  $(foreach s,bookworm trixie,$(foreach f,$(wildcard build/release/*/$(s)/*.deb),$(if $(findstring -dbgsym_,$(f)),,$(s)=$(f))))

# The repository served on 127.0.0.1 to apt in a Debian 12 chroot: install, upgrade, and a
# repository unsigned or signed by another key refused (root; tests/repo/run).
repo-test:
	tests/repo/run

# Two builds of the tree in two directories give byte-identical .deb files.
repro-test:
	tests/repro/run

# ansible-lint on contrib/ansible, then the role for real against a chroot (root).
check-ansible:
	tests/ansible/run

# The lint and syntax check only (see tests/ansible/run).
check-ansible-lint:
	VPS_ANSIBLE_LINT_ONLY=1 tests/ansible/run

# What the test command runs: the lint, then the role for real on the trial path (install
# with a selector, the trial boot, confirm, a run with no change, the purge) (root).
check-ansible-ci:
	VPS_ANSIBLE_ONLY=ci tests/ansible/run

test-all:
	tests/run-all
