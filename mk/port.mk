# mk/port.mk - the porting kit (docs/porting.md): ports/template.h and ports/cortex_m.h
# build as promised (tests/port_kit.sh). The Cortex-M port's behaviour: make test-m0.
# Packages: gcc, g++, gcc-avr (make check's base list), gcc-arm-none-eabi (.ci/deps.d/m0.list).

CHECK_TARGETS += test-port-kit
.PHONY: test-port-kit

test-port-kit:
	@echo "== porting kit: ports/template.h refuses to build until written, stubbed it links; ports/cortex_m.h compiles"
	@BUILD=$(BUILD) bash tests/port_kit.sh

help::
	@echo "  make test-port-kit   ports/template.h stops the build with what to write (stubbed, every example"
	@echo "                       links against it); ports/cortex_m.h compiles for M0+/M3/M4/M7, C and C++"
