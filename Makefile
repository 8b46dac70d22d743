# blasshim — build, test, demo. `make demo` and `make test` are the two set-up commands.
ifeq ($(origin CC),default)
CC := gcc
endif
PYTHON  := /usr/bin/python3
BUILD   := build
CFLAGS  ?= -O2 -g
WERROR  := $(if $(CI),-Werror)
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR)
# every project include is the file's own room ("gemm.h") or root-relative ("kernels/gemm.h")
BS_CFLAGS = $(WARN) -I. -fPIC -fvisibility=hidden -MMD -MP \
            $(shell pkg-config --cflags jansson libunwind 2>/dev/null)
LIB_LIBS  = $(shell pkg-config --libs jansson libunwind 2>/dev/null) -ldl -lpthread -lm
SAN     :=

# The rooms (shared/DESIGN.md): the library is shim/ + kernels/ + profiler/ + common/; the
# report tool is report/ + common/. Each room's sources are taken whole.
LIB_SRCS  := $(wildcard shim/*.c kernels/*.c profiler/*.c common/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/wrappers.o
TOOL_SRCS := $(wildcard report/*.c common/*.c)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)

# unit tests link the pure parts directly (not the exported entry points)
UNIT_OBJS := $(filter $(BUILD)/obj/kernels/%,$(LIB_OBJS)) $(BUILD)/obj/shim/canon.o \
             $(BUILD)/obj/report/reader.o $(BUILD)/obj/profiler/jsonl.o
UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/kernels/test_*.c tests/shim/test_*.c \
                                                           tests/report/test_*.c))

EXAMPLES := $(BUILD)/examples/dgemm_example $(BUILD)/tests/integration/gemmprobe \
            $(BUILD)/tests/integration/blasprobe $(BUILD)/tests/integration/wheelprobe \
            $(BUILD)/tests/integration/lapackprobe \
            $(BUILD)/tests/integration/lapackeprobe \
            $(BUILD)/tests/integration/limitprobe \
            $(if $(shell command -v gfortran),$(BUILD)/examples/fortran_dgemm) \
            $(if $(shell command -v mpicc),$(BUILD)/examples/mpi_gemm)

.PHONY: all deps test check demo asan bench bench-overhead format clean
all: $(BUILD)/libblasshim.so $(BUILD)/blasshim-report

# ---- the blasshim launcher; `make` also builds the examples (issue 15) ----
LAUNCHER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard launcher/*.c)) \
                 $(BUILD)/obj/report/peak.o
all: $(BUILD)/blasshim $(filter $(BUILD)/examples/%,$(EXAMPLES))
$(BUILD)/blasshim: $(LAUNCHER_OBJS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(shell pkg-config --libs jansson) -ldl

# header dependencies come from the compiler (-MMD -MP): $(BUILD)/obj/**/*.d
-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BS_CFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

# every exported entry point: generated from the BLAS and LAPACK routine tables
$(BUILD)/gen/wrappers.c: shim/routines.tab shim/lapack.tab shim/spellings.def shim/call.h tools/gen_wrappers.py
	@mkdir -p $(dir $@)
	$(PYTHON) tools/gen_wrappers.py shim/routines.tab shim/lapack.tab $@

$(BUILD)/obj/gen/wrappers.o: $(BUILD)/gen/wrappers.c
	@mkdir -p $(dir $@)
	$(CC) $(BS_CFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

# Python call sites: CPython's own struct layouts, from its headers (never its library)
$(BUILD)/obj/profiler/pyframe.o: profiler/pyframe.c
	@mkdir -p $(dir $@)
	$(CC) $(BS_CFLAGS) $(CFLAGS) $(SAN) -DNDEBUG $(shell pkg-config --cflags python3) -c $< -o $@

# kernels: -O3 so the portable microkernel is vectorized for the baseline ISA; the SIMD
# microkernels carry their own target pragmas, nothing is built for -march=native
$(BUILD)/obj/kernels/%.o: kernels/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BS_CFLAGS) $(CFLAGS) -O3 $(SAN) -c $< -o $@

$(BUILD)/libblasshim.so: $(LIB_OBJS)
	$(CC) -shared $(CFLAGS) $(SAN) -Wl,-z,defs -Wl,-soname,libblasshim.so -o $@ $^ $(LIB_LIBS)

# the report tool: a program of its own (report/), sharing only the record schema
$(BUILD)/blasshim-report: $(TOOL_OBJS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(shell pkg-config --libs jansson) -lm

$(BUILD)/tests/%: tests/%.c $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(BS_CFLAGS) $(CFLAGS) $(SAN) -o $@ $< $(UNIT_OBJS) $(shell pkg-config --libs cmocka jansson) -lm -lpthread

# programs run under LD_PRELOAD: linked against the system BLAS like a user's program
$(BUILD)/examples/dgemm_example: examples/dgemm_example.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lblas -lm

$(BUILD)/tests/integration/gemmprobe: tests/integration/gemmprobe.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lblas -lm -lpthread -ldl

$(BUILD)/tests/integration/limitprobe: tests/integration/limitprobe.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lblas -lpthread

$(BUILD)/tests/integration/blasprobe: tests/integration/blasprobe.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -lblas -lm

# LAPACK by its Fortran names, linked like R or Octave
$(BUILD)/tests/integration/lapackprobe: tests/integration/lapackprobe.c tests/integration/probe_matrix.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -llapack -lblas -lm

# LAPACK through its C interface, LAPACKE
$(BUILD)/tests/integration/lapackeprobe: tests/integration/lapackeprobe.c tests/integration/probe_matrix.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) -o $@ $< -llapacke -llapack -lblas -lm

# the pip-wheel ABI without PyPI: a library with the ILP64 spellings, and a program using them
$(BUILD)/tests/integration/libwheelabi.so: tests/integration/wheelabi.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -fPIC -shared -o $@ $<

$(BUILD)/tests/integration/wheelprobe: tests/integration/wheelprobe.c $(BUILD)/tests/integration/libwheelabi.so
	$(CC) $(WARN) $(CFLAGS) -o $@ $< \
	    -L$(BUILD)/tests/integration -lwheelabi -Wl,-rpath,'$$ORIGIN' -lm

$(BUILD)/examples/fortran_dgemm: examples/fortran_dgemm.f90
	@mkdir -p $(dir $@)
	gfortran -O2 -o $@ $< -lblas

$(BUILD)/examples/mpi_gemm: examples/mpi_gemm.c
	@mkdir -p $(dir $@)
	mpicc $(WARN) -O2 -o $@ $< -lblas

deps:
	@sh tools/deps.sh

check: all $(UNIT_TESTS) $(EXAMPLES)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/run.sh $(UNIT_TESTS)

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory check

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh examples/demo.sh $(BUILD)

# The same tests with AddressSanitizer and UBSan in a separate build tree.
asan:
	@$(MAKE) --no-print-directory deps
	@BS_TEST_PRELOAD_FIRST=$$($(CC) -print-file-name=libasan.so) \
	 ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	 $(MAKE) --no-print-directory check BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

# The kernels against OpenBLAS, side by side in one run (README "Performance"). OpenBLAS's
# CPU-type overrides, set on some of these machines, are lifted for this command alone.
$(BUILD)/gemm_bench: bench/gemm_bench.c $(filter $(BUILD)/obj/kernels/%,$(LIB_OBJS)) $(BUILD)/obj/report/peak.o
	$(CC) $(WARN) -I. -O2 $(SAN) -o $@ $< \
	    $(filter $(BUILD)/obj/kernels/%,$(LIB_OBJS)) $(BUILD)/obj/report/peak.o -ldl -lm -lpthread

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BUILD)/gemm_bench $(BUILD)/libblasshim.so
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BUILD)/gemm_bench $(BENCH_ARGS)

$(BUILD)/overhead: bench/overhead.c
	$(CC) $(WARN) -O2 -o $@ $< -lblas

# What the shim adds per call in each logging mode (README "Overhead").
bench-overhead:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all $(BUILD)/overhead
	@sh bench/overhead.sh $(BUILD)

# the committed .clang-format applied to every C file (tests/integration/test_format.py checks it)
format:
	clang-format -i --style=file $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# ---- make install / uninstall, pkg-config, make help (issue 15) ----
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^\#define BLASSHIM_VERSION "\(.*\)"/\1/p' include/blasshim.h)
DOCDIR   = $(DESTDIR)$(PREFIX)/share/doc/blasshim
EXAMPLE_SRCS := $(wildcard examples/*.c examples/*.py examples/*.f90 examples/*.sh)
INSTALLED = $(DESTDIR)$(PREFIX)/lib/libblasshim.so $(DESTDIR)$(PREFIX)/bin/blasshim \
            $(DESTDIR)$(PREFIX)/bin/blasshim-report $(DESTDIR)$(PREFIX)/include/blasshim.h \
            $(DESTDIR)$(PREFIX)/lib/pkgconfig/blasshim.pc \
            $(DESTDIR)$(PREFIX)/libexec/blasshim/gemm_bench \
            $(DESTDIR)$(PREFIX)/libexec/blasshim/libblasshim.so $(DOCDIR)/README.md \
            $(EXAMPLE_SRCS:%=$(DOCDIR)/%)

.PHONY: install uninstall help
install: all $(BUILD)/gemm_bench
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/libexec/blasshim $(DOCDIR)/examples
	install -m 755 $(BUILD)/libblasshim.so $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/blasshim $(BUILD)/blasshim-report $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BUILD)/gemm_bench $(DESTDIR)$(PREFIX)/libexec/blasshim/
	ln -sf ../../lib/libblasshim.so $(DESTDIR)$(PREFIX)/libexec/blasshim/libblasshim.so
	install -m 644 include/blasshim.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 README.md $(DOCDIR)/
	install -m 644 $(EXAMPLE_SRCS) $(DOCDIR)/examples/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' launcher/blasshim.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/blasshim.pc

uninstall:
	rm -f $(INSTALLED)
	-rmdir $(DOCDIR)/examples $(DOCDIR) $(DESTDIR)$(PREFIX)/libexec/blasshim 2>/dev/null

help:
	@echo "make                 build/libblasshim.so, build/blasshim, build/blasshim-report, the examples"
	@echo "make test            install missing Debian packages (make deps), build, run every test"
	@echo "make check           the tests without make deps"
	@echo "make asan            the tests under AddressSanitizer and UBSan (build/asan)"
	@echo "make demo            examples/mlp.py under two kernels, then blasshim-report's views"
	@echo "make bench           every kernel against OpenBLAS (BENCH_ARGS=\"--shape MxNxK ...\")"
	@echo "make bench-overhead  what the shim adds per call in each logging mode"
	@echo "make install         PREFIX=/usr/local DESTDIR= : lib, bin, include, pkg-config, docs"
	@echo "make uninstall       remove what make install put in PREFIX (same PREFIX, DESTDIR)"
	@echo "make format          apply the committed .clang-format to every C file (a test checks it)"
	@echo "make deps            install the missing Debian packages (tools/deps.sh)"
	@echo "make clean           remove build/"
	@echo "make help            this list"
