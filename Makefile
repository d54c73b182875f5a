# vctx — kernel-isolation contexts.  Plain GNU make; see README.md.
#
#   make            build vctx, vnet and the test probe
#   make check      unit tests, then root integration tests (TAP through prove)
#   make demo       build, make the busybox template, start a context, show it
#   make bench      benchmarks beside crun, lxc, systemd-nspawn and bubblewrap
#   make stress     fault injection, long cycles and fuzzing (minutes)
#   make install    PREFIX=/usr/local DESTDIR= (make uninstall with the same)
#   make deb        a Debian package (vctx_VERSION_ARCH.deb), lintian-checked

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
HELPERDIR  ?= $(PREFIX)/lib/vctx
DATADIR    ?= $(PREFIX)/share/vctx
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# systemd reads /lib/systemd/system for /usr and /usr/local/lib/systemd/system for /usr/local.
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
DESTDIR    ?=

CC       ?= gcc
PKGS      = libmnl libseccomp libcap-ng
# libarchive: headers at build time; loaded with dlopen() by import only (vctx/kernel/unpack.c).
PKGS_DL   = libarchive
# Nothing of PREFIX is compiled in: vctx finds its builders and helper beside its own binary.
CPPFLAGS += -D_GNU_SOURCE -I. -Ivctx
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-missing-field-initializers \
	    -Werror -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	    $(shell pkg-config --cflags $(PKGS) $(PKGS_DL) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   += -pthread
# Full RELRO, as the Debian package's hardening=+all: the supervisor's GOT is read-only once
# it runs (measured: start and exec no slower, 2026-12-02).
LDFLAGS  += -Wl,-z,relro,-z,now

# Debian packages each goal needs; `make deps` installs the missing ones.  DEB_TEST is what
# the tests run on the host beyond a bare Debian (debootstrap --variant=minbase).
DEB_BUILD = gcc make pkg-config libmnl-dev libseccomp-dev libcap-ng-dev libarchive-dev \
	    libcmocka-dev libc6-dev musl-tools
DEB_RUN   = busybox-static iproute2 util-linux mandoc e2fsprogs rsync openssh-client curl gpgv \
	    xz-utils umoci jq
DEB_TEST  = tmux debootstrap openssh-client xz-utils zstd e2fsprogs perl curl nftables acl \
	    procps ca-certificates systemd lxcfs build-essential debhelper dpkg-dev lintian \
	    openssh-server python3 gpg gpg-agent
DEB_BENCH = crun lxc systemd-container bubblewrap openssh-server rsync
DEB_STRESS = clang libclang-rt-14-dev
DEB_PKG    = build-essential debhelper dpkg-dev lintian

# The layers, top to bottom (vctx/README.md): each folder includes only from those below it.
CLI_SRC    = $(filter-out vctx/cli/vnet.c,$(wildcard vctx/cli/*.c))
OPS_SRC    = $(wildcard vctx/ops/*.c)
SUP_SRC    = $(filter-out vctx/supervisor/idle.c,$(wildcard vctx/supervisor/*.c))
KERNEL_SRC = $(filter-out vctx/kernel/exec-helper.c vctx/kernel/sysfilter-gen.c,$(wildcard vctx/kernel/*.c))
NET_SRC    = $(wildcard vnet/*.c)
CORE_SRC   = $(wildcard vctx/core/*.c)

CORE_OBJ = $(CORE_SRC:.c=.o)
NET_OBJ  = $(NET_SRC:.c=.o)
# Everything below the command line: what vctx and the vnet tool share.
LIB_OBJ  = $(OPS_SRC:.c=.o) $(SUP_SRC:.c=.o) $(KERNEL_SRC:.c=.o) $(NET_OBJ) $(CORE_OBJ)
HEADERS  = $(wildcard vctx/*/*.h vnet/*.h)

UNIT_SRC = $(wildcard tests/unit/test-*.c)
UNIT_BIN = $(UNIT_SRC:.c=)

all: vctx/vctx vctx/vctx-exec vctx/vctx-supervise vnet/vnet tests/probe tests/fake-loader tests/killer

# Plain `make` on a machine without the compiler or the -dev packages: one line saying what
# to run, not a compiler error about a missing header.  (deps, check, demo and bench install
# them first and build through a recursive make, which checks again.)
BUILD_GOALS = all unit install %.o %.inc vctx/vctx vctx/vctx-exec vctx/vctx-supervise vnet/vnet tests/probe bench/floor \
	      tests/unit/test-%
ifneq ($(if $(MAKECMDGOALS),$(filter $(BUILD_GOALS),$(MAKECMDGOALS)),all),)
ifneq ($(shell command -v $(CC) >/dev/null && command -v musl-gcc >/dev/null && pkg-config --exists $(PKGS) $(PKGS_DL) 2>/dev/null && echo ok),ok)
$(error vctx: the build dependencies are missing; run 'make deps' as root (it installs $(DEB_BUILD)))
endif
endif

vctx/vctx: $(CLI_SRC:.c=.o) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

vnet/vnet: vctx/cli/vnet.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The last host step of vctx exec runs inside contexts: static, so no loader or library of the
# tenant's is ever resolved for host code (vctx/kernel/exec-helper.c).
vctx/vctx-exec: vctx/kernel/exec-helper.c vctx/kernel/procstate.c vctx/kernel/procstate.h
	musl-gcc -D_GNU_SOURCE -Ivctx -O2 -std=gnu11 -Wall -Wextra -Werror -static \
		-o $@ vctx/kernel/exec-helper.c vctx/kernel/procstate.c

# A supervisor at rest (vctx/supervisor/handover.h): static with musl, it costs an idle context
# a few pages.  musl has no kernel headers of its own: Debian's, through a directory of links.
IDLE_SRC = vctx/supervisor/idle.c vctx/supervisor/events.c vctx/supervisor/handover.c \
	   vctx/supervisor/console.c vctx/supervisor/logrelay.c vctx/supervisor/logfile.c \
	   vctx/supervisor/ready.c vctx/supervisor/ctl.c vctx/supervisor/slog.c \
	   vctx/supervisor/syncs.c vctx/kernel/fdpass.c vctx/core/util.c vctx/core/escape.c \
	   vctx/core/paths.c vctx/core/err.c vctx/core/addr.c
MUSL_INC = vctx/.musl-include
$(MUSL_INC):
	mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn /usr/include/$$($(CC) -print-multiarch)/asm $@/asm
vctx/vctx-supervise: $(IDLE_SRC) $(HEADERS) | $(MUSL_INC)
	musl-gcc -D_GNU_SOURCE -I. -Ivctx -idirafter $(MUSL_INC) -Os -std=gnu11 -Wall -Wextra \
		-Werror -Wno-format-truncation -ffunction-sections -fdata-sections -static \
		-Wl,--gc-sections -o $@ $(IDLE_SRC)

# The probe runs inside contexts whose root has no libc: link it statically.
tests/probe: tests/probe.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $<

tests/killer: tests/killer.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# A tenant's loader, for the binfmt_misc test: no libc, it runs as an ELF interpreter.
tests/fake-loader: tests/fake-loader.c
	$(CC) -O2 -static -nostdlib -fno-stack-protector -fno-pie -no-pie -o $@ $<

bench/ptyhold: bench/ptyhold.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

bench/floor: bench/floor.c $(CORE_OBJ) $(NET_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-format-truncation -o $@ $^ $(LDLIBS)

tests/unit/test-%: tests/unit/test-%.c $(CORE_OBJ) $(NET_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

tests/unit/test-ctl: tests/unit/test-ctl.c vctx/supervisor/ctl.o vctx/kernel/fdpass.o $(CORE_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

tests/unit/test-syncs: tests/unit/test-syncs.c vctx/supervisor/syncs.o vctx/supervisor/events.o \
		      vctx/supervisor/console.o vctx/supervisor/logrelay.o vctx/supervisor/logfile.o \
		      vctx/supervisor/ready.o vctx/supervisor/ctl.o vctx/supervisor/slog.o \
		      vctx/kernel/fdpass.o vctx/kernel/sysfilter.o vctx/kernel/sysrules.o \
		      vctx/kernel/caps.o $(CORE_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

tests/unit/test-handover: tests/unit/test-handover.c vctx/supervisor/handover.o $(CORE_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

tests/unit/test-sysfilter: tests/unit/test-sysfilter.c vctx/kernel/sysfilter.o \
			   vctx/kernel/sysrules.o vctx/kernel/caps.o $(CORE_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $^ $(LDLIBS) -lcmocka

%.o: %.c $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The default seccomp filter, compiled by libseccomp here rather than at every start
# (vctx/kernel/sysrules.h).  A native build: the generator runs on the build machine.
vctx/kernel/sysfilter-gen: vctx/kernel/sysfilter-gen.c vctx/kernel/sysrules.o $(CORE_OBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
vctx/kernel/sysfilter-default.inc: vctx/kernel/sysfilter-gen
	vctx/kernel/sysfilter-gen >$@.tmp && mv $@.tmp $@
vctx/kernel/sysfilter.o: vctx/kernel/sysfilter-default.inc

# --- set-up --------------------------------------------------------------------------------

deps:
	@missing=""; for p in $(DEB_BUILD) $(DEB_RUN) $(DEB_TEST) $(DEPS_EXTRA); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
			missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			$$missing >/dev/null; \
	fi

# --- tests ---------------------------------------------------------------------------------

unit: all $(UNIT_BIN)
	@tests/run $(UNIT_BIN) tests/unit/*.t

# Unit tests (no root), then root integration tests that start real contexts.
check: deps
	$(MAKE) all $(UNIT_BIN)
	@tests/run $(UNIT_BIN) tests/unit/*.t tests/root/*.t

# --- demo: the README's main job -----------------------------------------------------------

DEMO_PREFIX ?= /var/tmp/vctx-demo
DEMO = VCTX_PREFIX=$(DEMO_PREFIX) VCTX_TEMPLATE_DIR=$(CURDIR)/templates \
       VCTX_CGROUP_PARENT=vctx-demo ./vctx/vctx
demo: deps
	$(MAKE) all
	@$(DEMO) template list | grep -q '^busybox ' || $(DEMO) template build busybox --from busybox
	@$(DEMO) status demo >/dev/null 2>&1 || $(DEMO) create demo --template busybox
	@$(DEMO) status demo 2>/dev/null | grep -q 'state: *running' || $(DEMO) start demo
	@echo '$$ vctx exec demo -- hostname'; $(DEMO) exec demo -- hostname
	@echo '$$ vctx exec demo -- ps'; $(DEMO) exec demo -- ps
	@echo '$$ vctx list'; $(DEMO) list
	@echo "(stop and remove it with: make demo-clean)"

demo-clean:
	@if [ -d $(DEMO_PREFIX) ]; then \
		$(DEMO) destroy --force demo 2>/dev/null; \
		$(DEMO) template remove busybox 2>/dev/null; \
	fi; \
	for d in /sys/fs/cgroup/*/vctx-demo /sys/fs/cgroup/vctx-demo; do \
		[ ! -d "$$d" ] || rmdir "$$d"; \
	done; true
	rm -rf $(DEMO_PREFIX)

# --- benchmarks ----------------------------------------------------------------------------

bench:
	@$(MAKE) -s deps DEPS_EXTRA="$(DEB_BENCH)"
	@$(MAKE) -s all bench/floor bench/ptyhold
	@bench/run

# --- stress: fault injection, long cycles, fuzzing (minutes; not part of check) ---------------

# The config parser and friends under libFuzzer (clang), with ASan and UBSan.
tests/stress/fuzz-conf: tests/stress/fuzz-conf.c $(CORE_SRC) $(HEADERS)
	clang -D_GNU_SOURCE -I. -Ivctx -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(shell pkg-config --cflags $(PKGS)) -o $@ \
		tests/stress/fuzz-conf.c $(CORE_SRC) $(LDLIBS)

stress:
	@$(MAKE) -s deps DEPS_EXTRA="$(DEB_STRESS)"
	@$(MAKE) -s all tests/stress/fuzz-conf
	@tests/stress/run

# --- install -------------------------------------------------------------------------------

# Every file install writes is in INSTALLED, so uninstall removes exactly those.
INSTALLED = $(SBINDIR)/vctx $(SBINDIR)/vnet $(HELPERDIR)/vctx-exec $(HELPERDIR)/vctx-supervise \
	    $(addprefix $(DATADIR)/templates/,busybox debian tarball host download oci lib.sh) \
	    $(UNITDIR)/vctx.service $(UNITDIR)/vctx@.service $(SYSCONFDIR)/init.d/vctx \
	    $(COMPDIR)/vctx $(MANDIR)/man5/vctx.conf.5 $(MANDIR)/man7/vctx-templates.7 \
	    $(MANDIR)/man8/vctx.8 $(MANDIR)/man8/vnet.8

install: vctx/vctx vctx/vctx-exec vctx/vctx-supervise vnet/vnet
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(HELPERDIR) $(DESTDIR)$(DATADIR)/templates \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/init.d $(DESTDIR)$(COMPDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 vctx/vctx vnet/vnet $(DESTDIR)$(SBINDIR)/
	install -m 755 vctx/vctx-exec vctx/vctx-supervise $(DESTDIR)$(HELPERDIR)/
	install -m 755 templates/busybox templates/debian templates/tarball templates/host templates/download templates/oci \
		$(DESTDIR)$(DATADIR)/templates/
	install -m 644 templates/lib.sh $(DESTDIR)$(DATADIR)/templates/
	for u in vctx.service vctx@.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' vctx/init/$$u.in > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	sed 's|@SBINDIR@|$(SBINDIR)|g' vctx/init/vctx.init.in > $(DESTDIR)$(SYSCONFDIR)/init.d/vctx
	chmod 755 $(DESTDIR)$(SYSCONFDIR)/init.d/vctx
	install -m 644 vctx/init/vctx.bash-completion $(DESTDIR)$(COMPDIR)/vctx
	install -m 644 man/vctx.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/vctx-templates.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 man/vctx.8 man/vnet.8 $(DESTDIR)$(MANDIR)/man8/

# Removes the program, never what it made: configs, contexts, templates and logs stay.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR) $(DESTDIR)$(HELPERDIR) 2>/dev/null

# --- Debian package ----------------------------------------------------------------------

# A copy of the tree with vctx/init/debian/ as its debian/, built with dpkg-buildpackage and
# checked with lintian (overrides, each with its reason, in vctx/init/debian/vctx.lintian-overrides);
# the .deb lands
# here.  The top level keeps no debian/ of its own.
DEB_OUT ?= .
deb:
	@$(MAKE) -s deps DEPS_EXTRA="$(DEB_PKG)"
	@set -e; b=$$(mktemp -d /var/tmp/vctx-deb.XXXXXX); trap 'rm -rf "$$b"' EXIT; \
	mkdir "$$b/vctx"; \
	cp -a Makefile README.md vctx vnet templates man "$$b/vctx/"; \
	$(MAKE) -s -C "$$b/vctx" clean; \
	rm -rf "$$b/vctx/vctx/init/debian"; cp -a vctx/init/debian "$$b/vctx/debian"; \
	(cd "$$b/vctx" && dpkg-buildpackage -b -us -uc >"$$b/build.log" 2>&1) || \
		{ tail -n 30 "$$b/build.log"; echo "vctx: make deb: dpkg-buildpackage failed"; exit 1; }; \
	st=0; out=$$(lintian --fail-on error,warning "$$b"/vctx_*.deb 2>&1) || st=$$?; \
	printf '%s\n' "$$out" | grep -v '^running with root privileges' || true; \
	[ $$st = 0 ] || { echo "vctx: make deb: lintian found the problems above"; exit 1; }; \
	rm -f $(DEB_OUT)/vctx_*.deb; cp "$$b"/vctx_*.deb $(DEB_OUT)/; ls $(DEB_OUT)/vctx_*.deb

# --- style ---------------------------------------------------------------------------------

# Shows where the C files changed since the last commit depart from .clang-format; it
# rewrites nothing (hand-made alignment in old code is kept).
style:
	@files=$$( (git diff --name-only HEAD -- '*.[ch]'; \
		    git ls-files --others --exclude-standard -- '*.[ch]') | sort -u); \
	for f in $$files; do [ ! -f $$f ] || clang-format $$f | diff -u $$f - ; done; true

lint-man:
	mandoc -Tlint -W warning man/*.[0-9]

clean:
	rm -rf vctx/*/*.o vnet/*.o vctx/kernel/sysfilter-gen vctx/kernel/sysfilter-default.inc \
		vctx/vctx vctx/vctx-exec vctx/vctx-supervise vctx/.musl-include vnet/vnet tests/probe tests/fake-loader \
		tests/killer tests/stress/fuzz-conf \
		bench/floor bench/ptyhold $(UNIT_BIN)

.PHONY: all deps unit check demo demo-clean bench stress install uninstall deb style lint-man clean
