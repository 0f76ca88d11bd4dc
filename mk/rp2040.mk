# mk/rp2040.mk - the RP2040 port (ports/rp2040.h): firmware built against the
# stand-in pico-sdk of tests/rp2040/sdk, run in the rp2040js emulator (npm).
# Included at the end of the Makefile; see tests/rp2040/run.sh.
#
#   make rp2040        the examples for the RP2040 (Cortex-M0+, -Os), sizes
#   make test-rp2040   npm ci (rp2040js, pinned by tests/rp2040/package-lock.json,
#                      into build/rp2040/js), then in the emulator: the examples
#                      (LED timing, bouncy buttons, interrupts; each example's
#                      LED/text timeline against the same example on the
#                      virtual clock), tests/rp2040/edges.c, long_sleep.c,
#                      floats.c, storm.c (GPIO interrupt storms beside
#                      blinkers), dualcore.c and dualring.c (a second core
#                      added by the harness: flags, counters, the hardware
#                      dividers, a ring); every image boots through its boot2
#                      (tests/rp2040/sdk/boot2.S) from our boot ROM
#   make bench-rp2040  flash and RAM of the examples (arm-none-eabi-size)
#   make test-rp2040-sdk PICO_BUILD=build/pico
#                      the same emulator tests on images built by hand with the
#                      real pico-sdk and the top-level CMakeLists.txt (README)

RP2040_DIR      := $(BUILD)/rp2040
RP2040_CC       := arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -std=c99 -ffunction-sections -fdata-sections
RP2040_INC      := $(INC) -Itests/rp2040/sdk/include
RP2040_LDFLAGS  := -nostartfiles --specs=nano.specs -T tests/rp2040/sdk/memmap.ld -Wl,--gc-sections
RP2040_SDK_HDR  := $(shell find tests/rp2040/sdk/include -name '*.h' 2>/dev/null)
# the examples with a pico-sdk recipe (examples/<name>/CMakeLists.txt)
RP2040_EXAMPLES := $(sort $(notdir $(patsubst %/CMakeLists.txt,%,$(wildcard examples/*/CMakeLists.txt))))

.PHONY: rp2040 test-rp2040 bench-rp2040 test-rp2040-sdk
CHECK_TARGETS += test-rp2040
BENCH_TARGETS += bench-rp2040

help::
	@echo "  make rp2040          build the examples for the RP2040 (Cortex-M0+ -Os, stand-in pico-sdk) and print their sizes"
	@echo "  make test-rp2040     RP2040 port in the rp2040js emulator (npm ci): blink timing, bouncy buttons, edge IRQs, storms,"
	@echo "                       a second core's flags, dividers and ring; every example's timeline against the virtual clock"
	@echo "  make bench-rp2040    flash and RAM of the RP2040 examples (arm-none-eabi-size)"
	@echo "  make test-rp2040-sdk PICO_BUILD=dir   the emulator tests on examples built with the real pico-sdk (CMake)"

# the stand-in's code and its boot2 (the image's first 256 bytes), as one object
$(RP2040_DIR)/standin.o: tests/rp2040/sdk/standin.c tests/rp2040/sdk/boot2.S $(RP2040_SDK_HDR)
	@mkdir -p $(dir $@)
	$(RP2040_CC) $(WARN) $(RP2040_INC) -c $< -o $(RP2040_DIR)/standin_c.o
	$(RP2040_CC) -c tests/rp2040/sdk/boot2.S -o $(RP2040_DIR)/boot2.o
	arm-none-eabi-ld -r $(RP2040_DIR)/standin_c.o $(RP2040_DIR)/boot2.o -o $@

$(RP2040_DIR)/%.elf: examples/%/main.c $(RP2040_DIR)/standin.o tests/rp2040/sdk/memmap.ld $(HEADERS) $(PORTS) $(RP2040_SDK_HDR)
	$(RP2040_CC) $(WARN) $(RP2040_INC) '-DCOOP_PORT="rp2040.h"' $< $(RP2040_DIR)/standin.o $(RP2040_LDFLAGS) -o $@

RP2040_TESTS := edges long_sleep dualcore dualring floats storm empty pin_assert
$(addprefix $(RP2040_DIR)/,$(addsuffix .elf,$(RP2040_TESTS))): $(RP2040_DIR)/%.elf: tests/rp2040/%.c $(RP2040_DIR)/standin.o tests/rp2040/sdk/memmap.ld $(HEADERS) $(PORTS) $(RP2040_SDK_HDR)
	$(RP2040_CC) $(WARN) $(RP2040_INC) $< $(RP2040_DIR)/standin.o $(RP2040_LDFLAGS) -o $@

# blink2 with 16-bit ticks (run across their wrap)
$(RP2040_DIR)/blink2_tick16.elf: examples/blink2/main.c $(RP2040_DIR)/standin.o tests/rp2040/sdk/memmap.ld $(HEADERS) $(PORTS) $(RP2040_SDK_HDR)
	$(RP2040_CC) $(WARN) $(RP2040_INC) '-DCOOP_PORT="rp2040.h"' -DCOOP_TICK_BITS=16 $< $(RP2040_DIR)/standin.o $(RP2040_LDFLAGS) -o $@

# the port as C++ too
$(RP2040_DIR)/port_cxx11.o $(RP2040_DIR)/port_cxx17.o: $(RP2040_DIR)/port_cxx%.o: tests/rp2040/port_cxx.cpp $(HEADERS) $(PORTS) $(RP2040_SDK_HDR)
	@mkdir -p $(dir $@)
	arm-none-eabi-g++ -std=c++$* -mcpu=cortex-m0plus -mthumb -Os -fno-exceptions -fno-rtti $(WARN) $(RP2040_INC) -c $< -o $@

$(RP2040_DIR)/%.bin: $(RP2040_DIR)/%.elf
	arm-none-eabi-objcopy -O binary $< $@

# our stand-in boot ROM (rp2040js ships none)
$(RP2040_DIR)/bootrom.elf: tests/rp2040/bootrom/rom_head.S tests/rp2040/bootrom/rom.c tests/rp2040/bootrom/rom.ld
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -std=c99 $(WARN) -ffreestanding -fno-builtin \
	    -fno-tree-loop-distribute-patterns -nostdlib -T tests/rp2040/bootrom/rom.ld \
	    tests/rp2040/bootrom/rom_head.S tests/rp2040/bootrom/rom.c -lgcc -o $@

rp2040: $(addprefix $(RP2040_DIR)/,$(addsuffix .elf,$(RP2040_EXAMPLES))) $(RP2040_DIR)/port_cxx11.o $(RP2040_DIR)/port_cxx17.o
	@arm-none-eabi-size $(filter %.elf,$^)

# every example also runs against its timeline on the virtual clock ($(BUILD)/virtual/<name>)
test-rp2040: $(addprefix $(RP2040_DIR)/,$(addsuffix .bin,$(RP2040_EXAMPLES) edges long_sleep dualcore dualring floats storm pin_assert blink2_tick16 bootrom)) \
             $(RP2040_DIR)/port_cxx11.o $(RP2040_DIR)/port_cxx17.o \
             $(addprefix $(BUILD)/virtual/,$(RP2040_EXAMPLES))
	@echo "== RP2040 port in rp2040js"
	@BUILD=$(BUILD) TWINS="$(RP2040_EXAMPLES)" bash tests/rp2040/run.sh test

bench-rp2040: $(addprefix $(RP2040_DIR)/,$(addsuffix .elf,$(RP2040_EXAMPLES) empty))
	@BUILD=$(BUILD) bash tests/rp2040/run.sh bench

PICO_BUILD ?= $(BUILD)/pico
test-rp2040-sdk: $(RP2040_DIR)/bootrom.bin $(addprefix $(BUILD)/virtual/,$(RP2040_EXAMPLES))
	@echo "== RP2040 port in rp2040js, images from pico-sdk ($(PICO_BUILD))"
	@BUILD=$(BUILD) TWINS="$(RP2040_EXAMPLES)" bash tests/rp2040/run.sh sdk $(PICO_BUILD)
