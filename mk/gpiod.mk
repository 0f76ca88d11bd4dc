# mk/gpiod.mk - the Linux gpiod port (ports/linux_gpiod.h) and its test bench
# (tests/gpiod): a Debian kernel in qemu with the real gpio-sim simulator.
# libgpiod v1 is Debian 12's libgpiod-dev; v2 is unpacked from backports into
# build/gpiod/libgpiod2 (tests/gpiod/fetch.sh). Programs are linked
# statically so the guest's busybox initramfs needs no shared libraries.

GPIOD_B        := $(BUILD)/gpiod
GPIOD_V2       := $(GPIOD_B)/libgpiod2
GPIOD_EXAMPLES := $(EXAMPLES)
GPIOD_CFLAGS   := $(WARN) $(OPT) $(INC) '-DCOOP_PORT="linux_gpiod.h"'

.PHONY: gpiod test-gpiod bench-gpiod
CHECK_TARGETS += test-gpiod
BENCH_TARGETS += bench-gpiod

help::
	@echo "  make gpiod           build the examples for the Linux gpiod port, libgpiod v1 and v2 (build/gpiod/v1, v2)"
	@echo "  make test-gpiod      gpiod port against the real kernel: gpio-sim in qemu, both libgpiod APIs"
	@echo "  make bench-gpiod     gpiod port in qemu: edge-to-task latency, wake-ups while idle"

$(GPIOD_V2)/libgpiod.a:
	@bash tests/gpiod/fetch.sh libgpiod2 $(GPIOD_V2)

# libgpiod v1 (the system's): C99, static
$(GPIOD_B)/v1/%: examples/%/main.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	gcc -std=c99 $(GPIOD_CFLAGS) $< -o $@ -static -lgpiod

$(GPIOD_B)/v2/%: examples/%/main.c $(HEADERS) $(PORTS) $(GPIOD_V2)/libgpiod.a
	@mkdir -p $(dir $@)
	gcc -std=c99 $(GPIOD_CFLAGS) -isystem $(GPIOD_V2)/usr/include $< -o $@ -static $(GPIOD_V2)/libgpiod.a

# the port's tests: C99 against v1 (16-bit ticks, computed goto, critical
# sections for the ISR objects), C++11 against v2 (the defaults)
$(GPIOD_B)/v1/gpiod_test: tests/gpiod/gpiod_test.c $(HEADERS) $(PORTS)
	@mkdir -p $(dir $@)
	gcc -std=c99 $(WARN) $(OPT) $(INC) -DCOOP_TICK_BITS=16 -DCOOP_LC=COOP_LC_GOTO -DCOOP_PORT_ATOMIC=0 \
	    $< -o $@ -static -lgpiod

$(GPIOD_B)/v2/gpiod_test: tests/gpiod/gpiod_test.c $(HEADERS) $(PORTS) $(GPIOD_V2)/libgpiod.a
	@mkdir -p $(dir $@)
	g++ -x c++ -std=c++11 $(WARN) $(OPT) $(INC) -isystem $(GPIOD_V2)/usr/include $< -x none -o $@ -static \
	    $(GPIOD_V2)/libgpiod.a

gpiod: $(foreach v,v1 v2,$(addprefix $(GPIOD_B)/$(v)/,$(GPIOD_EXAMPLES)))

test-gpiod: gpiod $(GPIOD_B)/v1/gpiod_test $(GPIOD_B)/v2/gpiod_test
	@bash tests/gpiod/run.sh test

bench-gpiod: $(GPIOD_B)/v1/gpiod_test $(GPIOD_B)/v2/gpiod_test \
             $(foreach v,v1 v2,$(addprefix $(GPIOD_B)/$(v)/,blink1 debounced_counter irq_alert))
	@bash tests/gpiod/run.sh bench
