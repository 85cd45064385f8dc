# Front door for the CMake build.
#   make demo      build and run the examples, showing their output
#   make test      build everything and run every test tier through CTest; a tier whose
#                  tools are missing is skipped with a SKIP line (STRICT=1: an error)
#   make deps      install every Debian package of the full test matrix (as root)
#   make install PREFIX=/usr/local
#   make bench     benchmarks against Go, C++ and the floors (see docs/performance.md)
#   make fuzz      differential fuzzing against Go (FUZZ_SECONDS=600)
#   make format    rewrite the sources the format test checks (tests/check_format.sh)

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
B := build
CMAKE_FLAGS ?=

configure = cmake -S . -B $(B)/$(1) -DCMAKE_C_COMPILER=$(2) $(3) $(CMAKE_FLAGS) >/dev/null
build = cmake --build $(B)/$(1) -j $(JOBS)
ctest = ctest --test-dir $(B)/$(1) --output-on-failure -j $(JOBS) $(2)$(if $(strict), -O $(B)/$(1)/ctest.log && \
        { ! grep -q "tests did not run" $(B)/$(1)/ctest.log || { echo "STRICT=1: a test that did not run fails"; false; }; }) && \
        $(call skipped_cases,$(B)/$(1)/Testing/Temporary/LastTest.log)
# The cases a test program skipped (tests/harness.h: "skip N - NAME: why"), from CTest's log.
skipped_cases = { [ ! -f $(1) ] || awk '/^[0-9]+\/[0-9]+ Test: /{t=$$3} \
        /^skip [0-9]+ - /{sub(/^skip [0-9]+ - /,""); print "SKIP case " t " " $$0}' $(1); }

# STRICT=1 (CI): a tier, part or test left out for a missing tool is an error.  .ci/probe
# fails for tiers and parts, the ctest call above for a test CTest skipped
# (SKIP_RETURN_CODE), and a check that would skip part of itself fails when it sees
# GODEFER_STRICT=1 in its environment.  A skipped test *case* (tests/harness.h's SKIP,
# listed as "SKIP case PROGRAM NAME: why" after each tier) does not fail STRICT=1: a case
# skips only for what no package changes (the machine's CPU, a sanitizer's or Valgrind's
# own limits, a Go case with no C counterpart); a missing tool leaves out a whole program.
strict := $(filter-out 0,$(STRICT))
ifneq ($(strict),)
export GODEFER_STRICT := 1
endif

TIERS := test-gcc test-gcc-O0 test-clang test-asan test-tsan test-valgrind test-nodeps \
         test-aarch64 test-install
AARCH64_QEMU := qemu-aarch64 -L /usr/aarch64-linux-gnu

.PHONY: all demo test deps install bench fuzz format clean $(TIERS) $(TIERS:%=run-%)

all:
	$(call configure,gcc,gcc,)
	$(call build,gcc)

# Only the library and the examples (tests and benchmarks are left to make test).
demo:
	@$(call configure,demo,gcc,-DGODEFER_TESTS=OFF -DGODEFER_BENCH=OFF) && \
	  $(call build,demo) >$(B)/demo-build.log 2>&1 || { cat $(B)/demo-build.log; exit 1; }
	@for e in $(B)/demo/examples/ex_*; do \
	  echo "=== $$(basename $$e)"; $$e; echo "[exit status $$?]"; echo; \
	done

# Every Debian package of the full test matrix (.ci/packages), as root.
deps:
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	  $$(sed -e 's/#.*//' -e 's/^[^:]*://' .ci/packages)
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

# Before the tiers asked for run, .ci/probe tries the tools they need and use: a tier
# without what it needs is skipped, and what a tier uses when present (go, libdw,
# libunwind, the other compiler) is turned ON or OFF explicitly, each missing part with
# one SKIP line naming its Debian packages.
asked := $(filter $(TIERS),$(if $(filter test,$(MAKECMDGOALS)),$(TIERS),$(MAKECMDGOALS)))
ifneq ($(asked),)
$(foreach a,$(shell B='$(B)' STRICT='$(strict)' AARCH64_QEMU='$(AARCH64_QEMU)' sh .ci/probe $(asked)),$(eval $(a)))
$(if $(probe.done),,$(error .ci/probe failed))
$(if $(probe.failed),$(error STRICT=1: the SKIP lines above are failures (make deps installs everything)))
endif
skipped := $(strip $(foreach t,$(asked),$(if $(skip.$(t)),$(t))))
$(foreach t,$(TIERS),$(eval $(t): $(if $(skip.$(t)),;@:,run-$(t))))
# $(call use,FEATURE): ON or OFF as .ci/probe found it for the tier
use = $(or $(probe.$(1)),$(error $(1) was not probed: run make test-X, not run-test-X, and list $(1) on the tier's line in .ci/probe))
goroot = -DGODEFER_GOROOT=$(if $(filter ON,$(call use,go)),$(probe.goroot),OFF)
go_flags = -DGODEFER_CONFORMANCE=$(call use,go) $(goroot)
no_go = -DGODEFER_CONFORMANCE=OFF $(goroot)
trace_flags = -DGODEFER_LIBDW=$(call use,libdw) -DGODEFER_LIBUNWIND=$(call use,libunwind)
other_cc = -DGODEFER_OTHER_CC:STRING=$(if $(filter ON,$(call use,clang)),clang,OFF)

# Every tier: GCC (optimized, with per-site thunks), GCC -O0 (cast path), Clang,
# ASan+UBSan, TSan, Valgrind, without libdw/libunwind, aarch64 (cross-built, run under
# qemu-user), and an installed-package build.  test-gcc and test-clang also build test
# programs under users' flags (tests/check_builds.sh: -O levels, hardening,
# instrumentation, LTO, no unwind tables, non-PIE), one CTest entry build_<row> each.
# The comparison with real Go (tests/conformance: paired corpus, fuzzer seeds) runs in
# test-gcc, with fewer fuzzer seeds in test-gcc-O0 and test-clang, and not in the
# sanitizer, valgrind, no-deps and aarch64 tiers.
test: $(TIERS)
	@echo "$(if $(skipped),all test tiers that ran passed; skipped: $(skipped) (make deps installs everything),all test tiers passed)"

run-test-gcc:
	$(call configure,gcc,gcc,$(go_flags) $(trace_flags) $(other_cc) -DGODEFER_BUILD_MATRIX=ON)
	$(call build,gcc)
	$(call ctest,gcc,)

run-test-gcc-O0:
	$(call configure,gcc-O0,gcc,-DCMAKE_BUILD_TYPE=Debug -DGODEFER_FUZZ_SEEDS=1-100 $(go_flags) $(trace_flags) $(other_cc))
	$(call build,gcc-O0)
	$(call ctest,gcc-O0,)

run-test-clang:
	$(call configure,clang,clang,-DGODEFER_FUZZ_SEEDS=1-100 $(go_flags) $(trace_flags) -DGODEFER_BUILD_MATRIX=ON)
	$(call build,clang)
	$(call ctest,clang,)

run-test-asan:
	$(call configure,asan,gcc,-DGODEFER_SANITIZE=address$(,)undefined -DGODEFER_BENCH=OFF $(no_go) $(trace_flags))
	$(call build,asan)
	ASAN_OPTIONS=detect_leaks=1 $(call ctest,asan,)

run-test-tsan:
	$(call configure,tsan,clang,-DGODEFER_SANITIZE=thread -DGODEFER_BENCH=OFF $(no_go) $(trace_flags))
	$(call build,tsan)
	TSAN_OPTIONS=halt_on_error=1 $(call ctest,tsan,)

run-test-valgrind:
	$(call configure,valgrind,gcc,-DGODEFER_VALGRIND=ON -DGODEFER_BENCH=OFF $(no_go) $(trace_flags))
	$(call build,valgrind)
	$(call ctest,valgrind,-E compile_fail)

run-test-nodeps:
	$(call configure,nodeps,gcc,-DGODEFER_LIBDW=OFF -DGODEFER_LIBUNWIND=OFF -DGODEFER_BENCH=OFF $(no_go) $(other_cc))
	$(call build,nodeps)
	$(call ctest,nodeps,)

# aarch64: everything is cross-compiled with -Werror (C++ with aarch64-linux-gnu-g++) and
# every test runs under qemu-user;
# the harness starts its crash-report children through the same emulator (qemu-user
# cannot exec an aarch64 program by itself without binfmt_misc).
run-test-aarch64:
	$(call configure,aarch64,aarch64-linux-gnu-gcc,-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
	  -DCMAKE_CROSSCOMPILING_EMULATOR="$(subst $() ,;,$(AARCH64_QEMU))" \
	  -DGODEFER_LIBDW=OFF -DGODEFER_LIBUNWIND=OFF -DGODEFER_BENCH=OFF $(no_go))
	$(call build,aarch64)
	GODEFER_TEST_EMULATOR="$(AARCH64_QEMU)" $(call ctest,aarch64,)

# Install into a scratch prefix, then build an example against pkg-config and CMake.
run-test-install:
	$(call configure,install,gcc,-DGODEFER_TESTS=OFF -DGODEFER_BENCH=OFF $(trace_flags))
	$(call build,install)
	rm -rf $(B)/stage && cmake --install $(B)/install --prefix $(CURDIR)/$(B)/stage >/dev/null
	sh tests/check_install.sh $(CURDIR)/$(B)/stage

install:
	$(call configure,release,gcc,-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DGODEFER_TESTS=OFF -DGODEFER_BENCH=OFF -DGODEFER_EXAMPLES=OFF)
	$(call build,release)
	cmake --install $(B)/release

bench:
	$(call configure,bench,gcc,-DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" -DGODEFER_TESTS=OFF)
	$(call build,bench)
	sh bench/run.sh $(B)/bench

fuzz:
	$(call configure,gcc,gcc,-DGODEFER_CONFORMANCE=ON)
	$(call build,gcc)
	sh tests/conformance/fuzz.sh $(B)/gcc $${FUZZ_SECONDS:-600}

# After a merge the format test may fail on code that was not formatted: this fixes it.
format:
	sh tests/check_format.sh . --fix

clean:
	rm -rf $(B)

, := ,
