# mk/m0.mk - Cortex-M tests (ports/cortex_m.h) in qemu-system-arm: the M0+ (-M microbit)
# and the M3, M4, M7 (-M mps2-an385, mps2-an386, mps2-an500); the M0+ bench.
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
	@echo "  make test-m0         ports/cortex_m.h in qemu: on the M0+ (microbit) the unit tests (both back ends,"
	@echo "                       16/32-bit ticks, C/C++), the port's conformance checks, SysTick + NVIC interrupts"
	@echo "                       hammering flag/counter/ring, storms, blink1; the same on M3/M4/M7 (mps2)"
	@echo "  make bench-m0        Cortex-M0+ in qemu: Thumb instructions per yield+resume and dispatch, sizes"
