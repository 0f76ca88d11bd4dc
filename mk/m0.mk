# mk/m0.mk - ARMv6-M (Cortex-M0+) core tests and bench in qemu-system-arm -M microbit.
# Included by the Makefile; everything is built under $(BUILD)/m0 by tests/m0/run.sh.
# Packages: .ci/deps.d/m0.list.

CHECK_TARGETS += test-m0
BENCH_TARGETS += bench-m0
.PHONY: test-m0 bench-m0

test-m0:
	@BUILD=$(BUILD) bash tests/m0/run.sh

bench-m0:
	@BUILD=$(BUILD) bash tests/m0/run.sh bench

help::
	@echo "  make test-m0         Cortex-M0+ in qemu (microbit): unit tests (both back ends, 16/32-bit ticks, C/C++),"
	@echo "                       SysTick + NVIC software interrupts hammering flag/counter/ring, blink1"
	@echo "  make bench-m0        Cortex-M0+ in qemu: Thumb instructions per yield+resume and dispatch, sizes"
