# mk/arduino.mk - coop in an Arduino IDE sketch folder (tests/arduino): the
# blink2 sketch built by arduino-builder with Debian's Arduino AVR core (Uno),
# then run in simavr through the AVR harness (tests/avr/harness.c, blink2).
# Everything is built under $(BUILD)/arduino. Packages: .ci/deps.d/arduino.list.

CHECK_TARGETS += test-arduino
.PHONY: test-arduino

help::
	@echo "  make test-arduino    coop in an Arduino IDE sketch: arduino-builder (arduino:avr:uno), no warnings,"
	@echo "                       Timer2 tick next to the core's millis(); blink2 in simavr (edges, UART, sleep)"

test-arduino:
	@BUILD=$(BUILD) bash tests/arduino/run.sh
