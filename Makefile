# Front door for the CMake build.
#   make demo      build and run the examples, showing their output
#   make test      build everything and run every test tier through CTest
#   make install PREFIX=/usr/local
#   make bench     benchmarks against Go, C++ and the floors (see docs/performance.md)
#   make fuzz      differential fuzzing against Go (FUZZ_SECONDS=600)

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
B := build
CMAKE_FLAGS ?=

configure = cmake -S . -B $(B)/$(1) -DCMAKE_C_COMPILER=$(2) $(3) $(CMAKE_FLAGS) >/dev/null
build = cmake --build $(B)/$(1) -j $(JOBS)
ctest = ctest --test-dir $(B)/$(1) --output-on-failure -j $(JOBS) $(2)

.PHONY: all demo test install bench fuzz clean \
        test-gcc test-gcc-O0 test-clang test-asan test-tsan test-valgrind test-nodeps test-aarch64 \
        test-install

all:
	$(call configure,gcc,gcc,)
	$(call build,gcc)

demo:
	@$(call configure,gcc,gcc,) && $(call build,gcc) >$(B)/demo-build.log 2>&1 || { cat $(B)/demo-build.log; exit 1; }
	@for e in $(B)/gcc/examples/ex_*; do \
	  echo "=== $$(basename $$e)"; $$e; echo "[exit status $$?]"; echo; \
	done

# Every tier: GCC (optimized, with per-site thunks), GCC -O0 (cast path), Clang,
# ASan+UBSan, TSan, Valgrind, without libdw/libunwind, aarch64 (cross-built, run under
# qemu-user), and an installed-package build.
# The comparison with real Go (tests/conformance: paired corpus, fuzzer seeds) must run
# in test-gcc, runs with fewer fuzzer seeds in test-gcc-O0 and test-clang when go is
# installed, and not in the sanitizer, valgrind and no-deps tiers.
test: test-gcc test-gcc-O0 test-clang test-asan test-tsan test-valgrind test-nodeps test-aarch64 test-install
	@echo "all test tiers passed"

test-gcc:
	$(call configure,gcc,gcc,-DGODEFER_CONFORMANCE=ON)
	$(call build,gcc)
	$(call ctest,gcc,)

test-gcc-O0:
	$(call configure,gcc-O0,gcc,-DCMAKE_BUILD_TYPE=Debug -DGODEFER_FUZZ_SEEDS=1-100)
	$(call build,gcc-O0)
	$(call ctest,gcc-O0,)

test-clang:
	$(call configure,clang,clang,-DGODEFER_FUZZ_SEEDS=1-100)
	$(call build,clang)
	$(call ctest,clang,)

test-asan:
	$(call configure,asan,gcc,-DGODEFER_SANITIZE=address$(,)undefined -DGODEFER_BENCH=OFF -DGODEFER_CONFORMANCE=OFF)
	$(call build,asan)
	ASAN_OPTIONS=detect_leaks=1 $(call ctest,asan,)

test-tsan:
	$(call configure,tsan,clang,-DGODEFER_SANITIZE=thread -DGODEFER_BENCH=OFF -DGODEFER_CONFORMANCE=OFF)
	$(call build,tsan)
	TSAN_OPTIONS=halt_on_error=1 $(call ctest,tsan,)

test-valgrind:
	$(call configure,valgrind,gcc,-DGODEFER_VALGRIND=ON -DGODEFER_BENCH=OFF -DGODEFER_CONFORMANCE=OFF)
	$(call build,valgrind)
	$(call ctest,valgrind,-E compile_fail)

test-nodeps:
	$(call configure,nodeps,gcc,-DGODEFER_LIBDW=OFF -DGODEFER_LIBUNWIND=OFF -DGODEFER_BENCH=OFF -DGODEFER_CONFORMANCE=OFF)
	$(call build,nodeps)
	$(call ctest,nodeps,)

# aarch64: everything is cross-compiled with -Werror and every test runs under qemu-user;
# the harness starts its crash-report children through the same emulator (qemu-user
# cannot exec an aarch64 program by itself without binfmt_misc).
AARCH64_QEMU := qemu-aarch64 -L /usr/aarch64-linux-gnu
test-aarch64:
	$(call configure,aarch64,aarch64-linux-gnu-gcc,-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
	  -DCMAKE_CROSSCOMPILING_EMULATOR="$(subst $() ,;,$(AARCH64_QEMU))" \
	  -DGODEFER_LIBDW=OFF -DGODEFER_LIBUNWIND=OFF -DGODEFER_BENCH=OFF -DGODEFER_CONFORMANCE=OFF)
	$(call build,aarch64)
	GODEFER_TEST_EMULATOR="$(AARCH64_QEMU)" $(call ctest,aarch64,)

# Install into a scratch prefix, then build an example against pkg-config and CMake.
test-install:
	$(call configure,install,gcc,-DGODEFER_TESTS=OFF -DGODEFER_BENCH=OFF)
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
	$(call configure,gcc,gcc,)
	$(call build,gcc)
	sh tests/conformance/fuzz.sh $(B)/gcc $${FUZZ_SECONDS:-600}

clean:
	rm -rf $(B)

, := ,
