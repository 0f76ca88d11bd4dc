# coop - plain GNU make. `make help` lists the targets.
#
# Everything is built under build/. Nothing here downloads anything: `make deps`
# installs Debian packages by name (apt-get as root, otherwise it prints the
# command to run).

SHELL := /bin/bash
.DEFAULT_GOAL := help

BUILD   := build
INC     := -Iinclude -Iports
WARN    := -Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow
OPT     := -O2 -g
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

HEADERS := $(wildcard include/*.h include/coop/*.h)
PORTS   := $(wildcard ports/*.h)
# check_host.c and check_stress.c need the real host port: their own runners
UNIT_TESTS := $(filter-out tests/check_host.c tests/check_stress.c tests/check_storm.c,$(wildcard tests/check_*.c))
UNIT_SRC   := tests/runner.c tests/virtual_impl.c $(UNIT_TESTS)
EXAMPLES   := $(notdir $(patsubst %/,%,$(dir $(wildcard examples/*/main.c))))

.PHONY: help deps check demo run examples bench bench-core bench-shared bench-avr clean \
        test-unit test-sanitize test-valgrind test-host test-stress test-examples test-model test-docs compile-matrix \
        avr test-avr

# Each port's test bench lives in a fragment mk/<port>.mk: it defines its own
# targets, adds them to CHECK_TARGETS / BENCH_TARGETS and adds its lines to `make help`
# with a `help::` rule. Its Debian packages go in .ci/deps.d/<port>.list.
CHECK_TARGETS := compile-matrix test-unit test-sanitize test-valgrind test-host test-stress test-examples \
                 test-model test-docs test-avr
BENCH_TARGETS := bench-core bench-shared bench-avr

help::
	@echo "coop make targets:"
	@echo "  make demo            run the two-LED interval demo on the host (keys change intervals, q quits)"
	@echo "  make check           install missing packages, then run every test below"
	@echo "  make deps            install (as root) or list the Debian packages the tests need"
	@echo "  make test-unit       Check unit tests, virtual clock: both back ends x 16/32-bit ticks, C and C++,"
	@echo "                       small wheels, both ISR flavours (critical section, atomics)"
	@echo "  make test-sanitize   the unit tests under ASan+UBSan"
	@echo "  make test-valgrind   the unit tests under valgrind memcheck"
	@echo "  make test-host       host-port tests (real clock, CPU use while sleeping, terminal)"
	@echo "  make test-stress     interrupt hand-off under real preemption: signals, a thread, TSan (about a minute)"
	@echo "  make test-model      spin models of flag/idle, call inbox, ring, saturating count: each verifies, known bugs are found"
	@echo "  make avr             build the examples for atmega328p (16 MHz, -Os) and print avr-size"
	@echo "  make test-avr        AVR port in simavr: blink timing, bouncing buttons, 10^5 INT0 edges, unit tests"
	@echo "  make compile-matrix  every header alone: gcc/clang C99/C11 (-O0, -Og, ASan), g++/clang++ C++11/17, avr-gcc,"
	@echo "                       arm-none-eabi-gcc; every example as C++11/17/20 (g++, clang++; host and virtual ports)"
	@echo "  make examples        build every example for the host"
	@echo "  make test-examples   run the examples on the virtual clock (exact LED timelines) and the host"
	@echo "  make test-docs       every C block of README.md and docs/*.md compiles; the README's first example runs"
	@echo "  make run EX=name     build and run one example on the host ($(EXAMPLES))"
	@echo "  make bench           every bench below: prints its tables, each with the command behind it"
	@echo "  make bench-core      x86 instructions per op (callgrind), object sizes, flash/RAM per feature (AVR, M0+)"
	@echo "  make bench-shared    the shared harness ../shared/bench/run.sh all (SHARED=dir: elsewhere):"
	@echo "                       coop beside the floors, and issue 14's targets met/missed"
	@echo "  make clean           remove build/"
	@echo "per-port test benches (mk/*.mk):"

deps:
	@bash .ci/deps.sh

check: deps
	@$(MAKE) --no-print-directory $(CHECK_TARGETS)
	@echo "make check: all passed"

# ---------------------------------------------------------------- unit tests
# $(call unit_variant,name,lc,bits,compiler,extra-flags)
comma := ,
UNIT_VARIANTS := switch-32 goto-32 switch-16 goto-16 cxx-switch-32 cxx-goto-16 wheel-b2l8-16 wheel-b4l8-32 \
                 list-16 list-cxx-goto-32 atomic-switch-32 debug-goto-16

define unit_variant
$(BUILD)/test-$(1): $(UNIT_SRC) $(HEADERS) $(PORTS) tests/suites.h tests/*.h
	@mkdir -p $(BUILD)
	$(4) $(WARN) $(OPT) $(INC) -Itests $(CHECK_CFLAGS) -DCOOP_LC=COOP_LC_$(2) -DCOOP_TICK_BITS=$(3) $(5) \
	    $(UNIT_SRC) -o $$@ $(CHECK_LIBS)
endef
$(eval $(call unit_variant,switch-32,SWITCH,32,gcc -std=c99,))
$(eval $(call unit_variant,goto-32,GOTO,32,clang -std=c11,))
$(eval $(call unit_variant,switch-16,SWITCH,16,clang -std=c99,))
$(eval $(call unit_variant,goto-16,GOTO,16,gcc -std=c11,-DCOOP_DEADLINE_NEST=3))
$(eval $(call unit_variant,cxx-switch-32,SWITCH,32,g++ -x c++ -std=c++11,-DCOOP_DEADLINE_NEST=3))
$(eval $(call unit_variant,cxx-goto-16,GOTO,16,clang++ -x c++ -std=c++17,))
# small wheels: few slots a level, as many levels as the tick width needs
$(eval $(call unit_variant,wheel-b2l8-16,SWITCH,16,gcc -std=c99,-DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8))
$(eval $(call unit_variant,wheel-b4l8-32,GOTO,32,clang -std=c11,-DCOOP_WHEEL_SLOT_BITS=4 -DCOOP_WHEEL_LEVELS=8))
# no wheel: the sorted timer list (COOP_WHEEL_LEVELS 0, the AVR port's default)
$(eval $(call unit_variant,list-16,SWITCH,16,gcc -std=c99,-DCOOP_WHEEL_LEVELS=0 -DCOOP_DEADLINE_NEST=3))
$(eval $(call unit_variant,list-cxx-goto-32,GOTO,32,clang++ -x c++ -std=c++11,-DCOOP_WHEEL_LEVELS=0))
# ISR objects with GCC atomics (the host's flavour) instead of the critical section; pin
# interrupts on (COOP_PIN_IRQS 1: the virtual port's edges, coop_edges_attach)
$(eval $(call unit_variant,atomic-switch-32,SWITCH,32,gcc -std=c11,-DCOOP_PORT_ATOMIC=1 -DCOOP_PIN_IRQS=1))
$(eval $(call unit_variant,asan-switch-32,SWITCH,32,gcc -std=c99,-fsanitize=address$(comma)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer))
$(eval $(call unit_variant,asan-goto-16,GOTO,16,clang -std=c11,-DCOOP_DEADLINE_NEST=3 -fsanitize=address$(comma)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer))
# other tick rates: the time suite (its ms conversions round up and saturate)
# a loop you can look into (tests/check_debug.c)
$(eval $(call unit_variant,debug-goto-16,GOTO,16,gcc -std=c11,-DCOOP_DEBUG=1 -DCOOP_DEADLINE_NEST=8))

$(eval $(call unit_variant,hz-1mhz,SWITCH,32,gcc -std=c99,-DCOOP_TICK_HZ=1000000))
$(eval $(call unit_variant,hz-100,GOTO,16,clang -std=c11,-DCOOP_TICK_HZ=100))
test-unit: $(addprefix $(BUILD)/test-,$(UNIT_VARIANTS) hz-1mhz hz-100)
	@set -e; for v in $(UNIT_VARIANTS); do echo "== unit tests: $$v"; $(BUILD)/test-$$v; done; \
	for v in hz-1mhz hz-100; do echo "== unit tests: $$v (time suite)"; CK_RUN_SUITE=time $(BUILD)/test-$$v; done

test-sanitize: $(BUILD)/test-asan-switch-32 $(BUILD)/test-asan-goto-16
	@set -e; for v in asan-switch-32 asan-goto-16; do echo "== unit tests under ASan+UBSan: $$v"; \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/test-$$v; done

# Check forks each test; valgrind follows the children, and a child with a
# memory error or leak exits 99, which Check reports as that test's failure.
test-valgrind: $(BUILD)/test-switch-32
	@echo "== unit tests under valgrind memcheck"
	@valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    $(BUILD)/test-switch-32

# ---------------------------------------------------------------- host port
HOST_TEST_SRC := tests/runner.c tests/host_impl.c tests/check_host.c

$(BUILD)/test-host: $(HOST_TEST_SRC) $(HEADERS) $(PORTS) tests/suites.h
	@mkdir -p $(BUILD)
	gcc -std=c99 $(WARN) $(OPT) $(INC) -Itests $(CHECK_CFLAGS) -DCOOP_TEST_HOST \
	    $(HOST_TEST_SRC) -o $@ $(CHECK_LIBS) -lutil

test-host: $(BUILD)/test-host
	@echo "== host port tests"
	@$(BUILD)/test-host

# ---------------------------------------------------------------- stress (host: real signals, a thread)
STRESS_SRC := tests/runner.c tests/host_impl.c tests/check_stress.c tests/check_storm.c
define stress_variant
$(BUILD)/test-stress-$(1): $(STRESS_SRC) $(HEADERS) $(PORTS) tests/suites.h
	@mkdir -p $(BUILD)
	$(2) $(WARN) $(INC) -Itests $(CHECK_CFLAGS) -DCOOP_TEST_STRESS \
	    $(STRESS_SRC) -o $$@ $(CHECK_LIBS) -pthread
endef
$(eval $(call stress_variant,atomic,gcc -std=c99 $(OPT)))
$(eval $(call stress_variant,irqsave,gcc -std=c99 $(OPT) -DCOOP_PORT_ATOMIC=0))
$(eval $(call stress_variant,tsan,clang -std=c99 -g -O1 -fsanitize=thread -DCOOP_STRESS_THREADS_ONLY))
test-stress: $(BUILD)/test-stress-atomic $(BUILD)/test-stress-irqsave $(BUILD)/test-stress-tsan
	@echo "== stress: signals, idle, thread (GCC atomics)"
	@$(BUILD)/test-stress-atomic
	@echo "== stress: signals, idle (critical sections, COOP_PORT_ATOMIC=0)"
	@$(BUILD)/test-stress-irqsave
	@echo "== stress: thread under ThreadSanitizer"
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(BUILD)/test-stress-tsan

# ---------------------------------------------------------------- examples
$(BUILD)/host/%: examples/%/main.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	gcc -std=c99 $(WARN) $(OPT) $(INC) '-DCOOP_PORT="host.h"' $< -o $@

examples: $(addprefix $(BUILD)/host/,$(EXAMPLES))

# the same sources on the virtual clock: exact, instant timelines for tests/examples.sh
$(BUILD)/virtual/%: examples/%/main.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	gcc -std=c99 $(WARN) $(OPT) $(INC) '-DCOOP_PORT="virtual.h"' $< -o $@

test-examples: $(addprefix $(BUILD)/host/,$(EXAMPLES)) $(addprefix $(BUILD)/virtual/,$(EXAMPLES))
	@echo "== examples: timelines on the virtual and host ports"
	@bash tests/examples.sh

run: $(BUILD)/host/$(EX)
	@test -n "$(EX)" || { echo "usage: make run EX=<name>  (one of: $(EXAMPLES))"; exit 2; }
	@$(BUILD)/host/$(EX)

demo: $(BUILD)/host/interval_buttons
	@$(BUILD)/host/interval_buttons

# ---------------------------------------------------------------- docs
test-docs:
	@echo '== docs: every C block of README.md and docs/*.md compiles; the first example runs (virtual clock, PC)'
	@bash tests/docs.sh

# ---------------------------------------------------------------- compile matrix
# Every public header alone (and with COOP_IMPLEMENTATION) and
# tests/compile/coroutines.c (both back ends x 16/32-bit ticks), per compiler
# line; the host lines at -O0 (the default), and again at -Og and at -O0 with
# ASan for gcc/clang in C and C++ (warnings that come from the optimiser or
# the sanitizer's instrumentation differ per level); every example as
# C++11/17/20 with g++ and clang++ against the host and virtual ports (the
# C++ front end: -fsyntax-only); the POSIX ports' headers alone on the host
# lines. The compilations run MATRIX_JOBS at a time.
HOST_COMPILERS := "gcc -x c -std=c99" "gcc -x c -std=c11" "clang -x c -std=c99" "clang -x c -std=c11" \
                  "g++ -x c++ -std=c++11" "g++ -x c++ -std=c++17" "clang++ -x c++ -std=c++11" "clang++ -x c++ -std=c++17"
HOST_OPT_COMPILERS := "gcc -x c -std=c11 -Og" "clang -x c -std=c11 -Og" "g++ -x c++ -std=c++17 -Og" \
                      "clang++ -x c++ -std=c++17 -Og" "gcc -x c -std=c99 -O0 -fsanitize=address" \
                      "clang -x c -std=c99 -O0 -fsanitize=address" "g++ -x c++ -std=c++11 -O0 -fsanitize=address"
CROSS_COMPILERS := "avr-gcc -x c -std=c99 -mmcu=atmega328p -Os" "avr-gcc -x c -std=c11 -mmcu=atmega328p -Os" \
                   "arm-none-eabi-gcc -x c -std=c99 -mcpu=cortex-m0plus -mthumb -Os" \
                   "arm-none-eabi-gcc -x c -std=c11 -mcpu=cortex-m0plus -mthumb -Os" \
                   "arm-none-eabi-g++ -x c++ -std=c++11 -mcpu=cortex-m0plus -mthumb -Os -fno-exceptions"
EXAMPLE_CXX := "g++ -x c++ -std=c++11" "g++ -x c++ -std=c++17" "g++ -x c++ -std=c++20" \
               "clang++ -x c++ -std=c++11" "clang++ -x c++ -std=c++17" "clang++ -x c++ -std=c++20"
MATRIX_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# the POSIX ports alone on the host (host_board.h and linux_gpiod_board.h are
# parts of their ports and refuse to be included alone; linux_gpiod.h's
# implementation needs libgpiod: make gpiod)
POSIX_PORTS := posix.h host.h

# one job per line: "compiler and flags|-D flags|a public header or a source file"
compile-matrix:
	@echo "== compile matrix: each public header alone, tests/compile/coroutines.c, the examples as C++; warnings as errors"
	@jobs=$$(for cc in $(HOST_COMPILERS) $(HOST_OPT_COMPILERS) $(CROSS_COMPILERS); do \
	    for h in $(patsubst include/%,%,$(HEADERS)); do echo "$$cc||$$h"; echo "$$cc|-DCOOP_IMPLEMENTATION|$$h"; done; \
	    for lc in SWITCH GOTO; do for bits in 32 16; do \
	      echo "$$cc|-DCOOP_LC=COOP_LC_$$lc -DCOOP_TICK_BITS=$$bits|tests/compile/coroutines.c"; \
	    done; done; \
	  done; \
	  for cc in $(HOST_COMPILERS) $(HOST_OPT_COMPILERS); do for h in $(POSIX_PORTS); do \
	    echo "$$cc||$$h"; echo "$$cc|-DCOOP_IMPLEMENTATION|$$h"; \
	  done; echo "$$cc||linux_gpiod.h"; done; \
	  for cc in $(EXAMPLE_CXX); do for port in host.h virtual.h; do for e in $(EXAMPLES); do \
	    echo "$$cc -fsyntax-only|-DCOOP_PORT=\"$$port\"|examples/$$e/main.c"; \
	  done; done; done); \
	n=$$(printf '%s\n' "$$jobs" | wc -l); \
	printf '%s\n' "$$jobs" | WARN='$(WARN)' xargs -d '\n' -P $(MATRIX_JOBS) -n 1 bash -c \
	  'IFS="|" read -r c d f <<< "$$1"; \
	   if [[ $$f == *.h ]]; then printf "#include \"%s\"\ntypedef int coop_compile_check;\n" "$$f" | $$c $$WARN -Iinclude -Iports $$d -c -o /dev/null -; \
	   else $$c $$WARN -Iinclude -Iports $$d -c -o /dev/null "$$f"; fi || { echo "FAILED: $$c $$d $$f"; exit 255; }' _ \
	  && echo "compile matrix: $$n compilations, 0 failed"
	@out=$$(bash tests/compile/refusals.sh) || { echo "$$out"; exit 1; }; echo "$$out" | tail -1

# ---------------------------------------------------------------- AVR (ports/avr.h, simavr)
AVR_CC       := avr-gcc -mmcu=atmega328p -DF_CPU=16000000UL -Os -std=c99 -ffunction-sections -fdata-sections \
                -Wl,--gc-sections -flto
AVR_EXAMPLES := $(EXAMPLES)   # every example builds for the ATmega328P

$(BUILD)/avr/%.elf: examples/%/main.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	$(AVR_CC) $(WARN) $(INC) '-DCOOP_PORT="avr.h"' $< -o $@

avr: $(addprefix $(BUILD)/avr/,$(addsuffix .elf,$(AVR_EXAMPLES)))
	@avr-size $^

test-avr: avr
	@echo "== AVR port in simavr"
	@bash tests/avr/run.sh

# ---------------------------------------------------------------- model
test-model:
	@echo "== spin models of the ISR <-> loop protocols"
	@bash tests/model/run.sh

# ---------------------------------------------------------------- bench
# (a recipe, not prerequisites: mk/*.mk add to BENCH_TARGETS after this line is read)
bench:
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)
bench-core:
	@BUILD=$(BUILD) bash tests/bench/run.sh
# the harness the peers were measured with; shared/ sits beside the checkout
SHARED ?= ../shared
bench-shared:
	@BUILD=$(BUILD) SHARED=$(SHARED) bash tests/bench/shared.sh
bench-avr:
	@bash tests/avr/run.sh bench

clean:
	rm -rf $(BUILD)

include $(sort $(wildcard mk/*.mk))
